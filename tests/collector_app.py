"""An ASGI app that answers with the cycle collector's state of the process serving it,
for tests/studio/test_lib_collector.py to read from a real `python -m studio.server`."""

from __future__ import annotations

import gc
import json
from typing import Any

# Loaded with the application, before the server runs: set aside with the rest of startup.
LOADED_WITH_THE_APP = [[n] for n in range(20_000)]


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = json.dumps(
        {"young_threshold": gc.get_threshold()[0], "frozen": gc.get_freeze_count()}
    ).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
