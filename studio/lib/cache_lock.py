"""A lock kept in the Django cache, for a read-modify-write of one cache key that several
processes may do at the same instant (a live session's participants, chat, shared data,
highlights and shown slides, all kept in Redis when the studio runs as several processes).

`cache.add` stores a key only when it is absent, atomically in every backend the studio
runs on (SET NX in Redis, under a lock in local memory), so whoever adds the lock key holds
the lock. It expires after `ttl` seconds: a process that dies holding it stalls the others
for at most that long. Release deletes the key only while it still holds our token; the
check and the delete are two calls, which is safe because the work under the lock (one
cache read and one write) takes far less than `ttl`.

A caller that cannot get the lock within `wait` seconds (longer than `ttl`, so only under
extreme contention) goes ahead without it and the log says so: a lost update of transient
state is better than a live session that stops answering.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)

FIRST_PAUSE = 0.001
LONGEST_PAUSE = 0.02


@asynccontextmanager
async def locked(
    cache: BaseCache, key: str, *, ttl: int = 2, wait: float = 5.0
) -> AsyncIterator[bool]:
    """Holds `key`'s lock for the `async with` body; yields whether it got it."""
    lock_key = f"{key}:lock"
    token = secrets.token_hex(8)
    deadline = time.monotonic() + wait
    pause = FIRST_PAUSE
    held = True
    while not await cache.aadd(lock_key, token, ttl):
        if time.monotonic() > deadline:
            logger.warning("going ahead without the lock of %s after %.1f s", key, wait)
            held = False
            break
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
    try:
        yield held
    finally:
        if held and await cache.aget(lock_key) == token:
            await cache.adelete(lock_key)
