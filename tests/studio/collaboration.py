"""Helpers for the live-session tests: sockets against the routed application."""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client

from studio.asgi import application

ORIGIN = b"http://localhost"
QUIET = 0.15  # seconds to wait when checking that nothing arrives


def _session_cookie(user: AbstractUser) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def socket(
    name: str,
    user: AbstractUser | None = None,
    *,
    ticket: str = "",
    origin: bytes = ORIGIN,
    cookie: str = "",
) -> WebsocketCommunicator:
    """A connected (or refused) communicator; call `.connect()` on the result."""
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if user is not None:
        cookie = f"{settings.SESSION_COOKIE_NAME}={await sync_to_async(_session_cookie)(user)}"
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    path = f"/ws/collaboration/{name}/" + (f"?ticket={ticket}" if ticket else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def joined(
    name: str, user: AbstractUser | None = None, **kwargs: Any
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """A connected socket and the `state` it got first (its participants broadcast read)."""
    communicator = await socket(name, user, **kwargs)
    connected, code = await communicator.connect(timeout=3)
    assert connected, code
    first = await receive(communicator)
    assert first["type"] == "state"
    # Broadcasts already on their way (with Redis, in any order) may come before it.
    await receive_type(communicator, "participants")
    return communicator, first


async def receive(communicator: WebsocketCommunicator, timeout: float = 2) -> dict[str, Any]:
    return json.loads(await communicator.receive_from(timeout))


async def receive_type(
    communicator: WebsocketCommunicator, kind: str, timeout: float = 2
) -> dict[str, Any]:
    """The next message of type `kind`, skipping others (participants lists, ...)."""
    while True:
        message = await receive(communicator, timeout)
        if message["type"] == kind:
            return message


async def send(communicator: WebsocketCommunicator, message: dict[str, Any]) -> None:
    await communicator.send_to(text_data=json.dumps(message))
