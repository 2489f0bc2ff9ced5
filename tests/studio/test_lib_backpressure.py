"""studio/lib/backpressure.py: a streamed answer waits while Daphne's transport holds
more than the high-water mark, and never hangs on a connection that is gone."""

from __future__ import annotations

import asyncio
import functools
from types import SimpleNamespace
from typing import Any

from studio.lib.backpressure import HIGH_WATER_BYTES, paced


def daphne_like_send(transport: Any) -> Any:
    """A send shaped like Daphne's: partial(server.handle_reply, protocol)."""
    sent: list[dict[str, Any]] = []

    async def handle_reply(protocol: Any, message: dict[str, Any]) -> None:
        sent.append(message)

    protocol = SimpleNamespace(channel=SimpleNamespace(transport=transport))
    return functools.partial(handle_reply, protocol), sent


async def test_it_waits_until_the_socket_has_taken_the_queue() -> None:
    transport = SimpleNamespace(dataBuffer=b"x" * (HIGH_WATER_BYTES + 1), offset=0, _tempDataLen=0)
    send, sent = daphne_like_send(transport)
    chunk = {"type": "http.response.body", "body": b"abc", "more_body": True}

    waiting = asyncio.ensure_future(paced(send)(chunk))
    for _ in range(20):
        await asyncio.sleep(0)
    assert sent == [chunk] and not waiting.done()

    transport.offset = len(transport.dataBuffer) - 10  # the socket took almost all of it
    await asyncio.wait_for(waiting, timeout=5)


async def test_it_stops_waiting_when_the_client_is_gone() -> None:
    transport = SimpleNamespace(dataBuffer=b"x" * (HIGH_WATER_BYTES * 2), offset=0)
    send, _ = daphne_like_send(transport)
    chunk = {"type": "http.response.body", "body": b"abc", "more_body": True}
    waiting = asyncio.ensure_future(paced(send)(chunk))
    await asyncio.sleep(0)
    transport.disconnected = True
    await asyncio.wait_for(waiting, timeout=5)


async def test_the_last_chunk_and_other_servers_pass_straight_through() -> None:
    transport = SimpleNamespace(dataBuffer=b"x" * (HIGH_WATER_BYTES * 2), offset=0)
    send, sent = daphne_like_send(transport)
    await asyncio.wait_for(paced(send)({"type": "http.response.body", "body": b""}), 5)
    assert len(sent) == 1

    async def plain_send(message: Any) -> None:
        pass

    assert paced(plain_send) is plain_send
