"""The tile servers a copy may read from or write to: "studio" (the studio's own, through
its tile-server client) and those named in the TILE_SERVERS setting (remote ones, each
with the account the copy logs in with)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from pmacore.errors import BadRequest
from studio.tileclient import TileClient, get_client

STUDIO = "studio"


@dataclass(frozen=True)
class Endpoint:
    name: str
    client: TileClient
    session_id: str


def server_names() -> list[str]:
    return [STUDIO, *sorted(name for name in settings.TILE_SERVERS if name != STUDIO)]


def connect(name: str, user: AbstractBaseUser) -> Endpoint:
    """A session on the server `name`; on the studio's own server on behalf of `user` (the
    admin who started the copy), elsewhere with the server's configured account."""
    if name == STUDIO:
        client = get_client()
        return Endpoint(name, client, client.delegated_session(user))
    config = settings.TILE_SERVERS.get(name)
    if not isinstance(config, dict) or not config.get("url"):
        raise BadRequest(f"There is no tile server named {name!r} (see TILE_SERVERS).")
    client = _remote(str(config["url"]))
    login = client.authenticate(str(config.get("username", "")), str(config.get("password", "")))
    return Endpoint(name, client, login.session_id)


@cache
def _remote(url: str) -> TileClient:
    from studio.tileclient.remote import RemoteClient

    return RemoteClient(
        url,
        connect_timeout=settings.TILE_SERVER_CONNECT_TIMEOUT,
        read_timeout=settings.TILE_SERVER_READ_TIMEOUT,
        pool_size=4,
    )
