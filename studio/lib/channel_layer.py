"""The in-memory channel layer (one studio process, no REDIS_URL) with a cheaper fan-out.

Channels' own layer sends a group message by starting one task per member and
deep-copying the message once per member, and on every receive it walks every channel and
every group to expire old messages; and a channel's queue is dropped whenever it runs
empty, so that each message delivered costs a new asyncio.Queue (two, counting the one
`receive` builds as a default). With 50 followers of a live session that is thousands of
steps per viewport move, all on the event loop that also writes to the sockets. Here a
group message is copied once and put straight onto each member's queue, the expiry walk
runs at most once a second, and a channel keeps its queue while it belongs to a group.
Receivers share that one copy: the studio's consumers only read the events they get.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from copy import deepcopy
from typing import Any

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

CLEAN_EVERY = 1.0  # seconds between walks that drop expired messages


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.cleaned_at >= CLEAN_EVERY:
            self.cleaned_at = now
            super()._clean_expired()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        item = (time.time() + self.expiry, deepcopy(message))
        for channel in list(self.groups.get(group, {})):
            queue = self._queue(channel)
            with contextlib.suppress(asyncio.QueueFull):  # a full channel misses it, as before
                queue.put_nowait(item)

    def _queue(self, channel: str) -> asyncio.Queue[Any]:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    def _member(self, channel: str) -> bool:
        return any(channel in members for members in self.groups.values())

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        self._clean_expired()
        queue = self._queue(channel)
        try:
            _, message = await queue.get()
        finally:
            if queue.empty() and not self._member(channel):
                self.channels.pop(channel, None)
        return message

    async def group_discard(self, group: str, channel: str) -> None:
        await super().group_discard(group, channel)
        queue = self.channels.get(channel)
        if queue is not None and queue.empty() and not self._member(channel):
            self.channels.pop(channel, None)
