"""The in-memory channel layer's group fan-out (studio/lib/channel_layer.py)."""

from __future__ import annotations

import asyncio

import pytest

from studio.lib import channel_layer
from studio.lib.channel_layer import InMemoryChannelLayer


async def test_a_group_message_reaches_every_member_once() -> None:
    layer = InMemoryChannelLayer()
    members = [await layer.new_channel() for _ in range(3)]
    outsider = await layer.new_channel()
    for channel in members:
        await layer.group_add("live.board", channel)
    await layer.group_send("live.board", {"type": "live.relay", "text": "hello"})
    for channel in members:
        assert await layer.receive(channel) == {"type": "live.relay", "text": "hello"}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(members[0]), 0.05)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(outsider), 0.05)


async def test_a_full_member_misses_messages_and_the_others_do_not() -> None:
    layer = InMemoryChannelLayer(capacity=2)
    slow, quick = await layer.new_channel(), await layer.new_channel()
    for channel in (slow, quick):
        await layer.group_add("live.board", channel)
    for number in range(3):
        await layer.group_send("live.board", {"type": "live.relay", "n": number})
        assert (await layer.receive(quick))["n"] == number
    assert [(await layer.receive(slow))["n"] for _ in range(2)] == [0, 1]


async def test_expired_messages_are_dropped_with_their_channel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = InMemoryChannelLayer(expiry=0)
    gone, fresh = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("live.board", gone)
    await layer.group_send("live.board", {"type": "live.relay"})
    await asyncio.sleep(0.01)
    layer.expiry = 60
    monkeypatch.setattr(channel_layer, "CLEAN_EVERY", 0.0)
    await layer.send(fresh, {"type": "live.relay"})
    await asyncio.wait_for(layer.receive(fresh), 1)
    assert gone not in layer.groups["live.board"]


async def test_a_member_keeps_its_queue_and_a_channel_that_left_does_not() -> None:
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("live.board", channel)
    await layer.group_send("live.board", {"type": "live.relay"})
    queue = layer.channels[channel]
    await layer.receive(channel)
    assert layer.channels[channel] is queue
    await layer.group_discard("live.board", channel)
    assert channel not in layer.channels
