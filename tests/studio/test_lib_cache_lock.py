"""studio/lib/cache_lock.py: one holder at a time, expired locks taken over, others' kept."""

from __future__ import annotations

import asyncio

from django.core.cache import cache

from studio.lib.cache_lock import locked


async def test_a_second_holder_waits_until_the_first_lets_go() -> None:
    order: list[str] = []
    first_in = asyncio.Event()
    let_go = asyncio.Event()

    async def first() -> None:
        async with locked(cache, "lock-test:a") as held:
            assert held
            order.append("first in")
            first_in.set()
            await let_go.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with locked(cache, "lock-test:a") as held:
            assert held
            order.append("second in")

    task = asyncio.gather(first(), second())
    await first_in.wait()
    await asyncio.sleep(0.05)  # the second is trying meanwhile
    assert order == ["first in"]
    let_go.set()
    await task
    assert order == ["first in", "first out", "second in"]
    assert await cache.aget("lock-test:a:lock") is None


async def test_the_lock_of_a_holder_that_died_expires() -> None:
    await cache.aset("lock-test:b:lock", "a process that died", 1)
    async with locked(cache, "lock-test:b", wait=5) as held:
        assert held
        assert await cache.aget("lock-test:b:lock") != "a process that died"


async def test_it_goes_ahead_without_a_lock_it_cannot_get_and_leaves_it_alone() -> None:
    await cache.aset("lock-test:c:lock", "someone else", 60)
    async with locked(cache, "lock-test:c", wait=0.05) as held:
        assert not held
    assert await cache.aget("lock-test:c:lock") == "someone else"
    await cache.adelete("lock-test:c:lock")
