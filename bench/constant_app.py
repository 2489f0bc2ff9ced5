"""The cheapest ASGI app: 7 KB of constant bytes for any request. Served by Daphne as the
studio runs it (`python -m studio.server`), it shows the server's own ceiling, which no
tile route on it can pass (bench/tiles.py)."""

from __future__ import annotations

from typing import Any

BODY = b"x" * 7 * 1024
HEADERS = [(b"content-type", b"image/jpeg"), (b"content-length", str(len(BODY)).encode())]


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
