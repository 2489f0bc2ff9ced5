"""Back-pressure for streamed answers under Daphne.

Daphne hands every body chunk to Twisted at once and Twisted keeps what the socket cannot
take yet in memory: a slide of several gigabytes streamed to a slower client would sit in
the studio's memory whole. `paced(send)` wraps the ASGI `send` of a request so that after
each chunk it waits while more than HIGH_WATER_BYTES are still queued for the socket.

Daphne gives no ASGI way to see that queue, so this looks through its `send` (a partial of
the server's `handle_reply` bound to the request) at the Twisted transport. Under another
server, or if Daphne changes, `paced` finds no transport and returns `send` unchanged.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from asgiref.typing import ASGISendCallable, ASGISendEvent

HIGH_WATER_BYTES = 4 * 1024 * 1024
POLL_SECONDS = 0.005


def paced(send: ASGISendCallable) -> ASGISendCallable:
    protocol = _protocol_of(send)
    if protocol is None:
        return send

    async def paced_send(message: ASGISendEvent) -> None:
        await send(message)
        if message["type"] == "http.response.body" and message.get("more_body"):
            while (queued := _queued(protocol)) is not None and queued > HIGH_WATER_BYTES:
                await asyncio.sleep(POLL_SECONDS)

    return paced_send


def _protocol_of(send: Any) -> Any:
    if isinstance(send, functools.partial) and send.args:
        protocol = send.args[0]
        if hasattr(protocol, "channel"):
            return protocol
    return None


def _queued(protocol: Any) -> int | None:
    """Bytes written but not yet sent; None once the connection is gone."""
    channel = getattr(protocol, "channel", None)
    transport = getattr(channel, "transport", None)
    if transport is None or getattr(transport, "disconnected", False):
        return None
    buffer = getattr(transport, "dataBuffer", b"")
    return (
        len(buffer)
        - int(getattr(transport, "offset", 0))
        + int(getattr(transport, "_tempDataLen", 0))
    )
