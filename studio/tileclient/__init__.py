"""The studio's tile-server client, the only door to a tile server.

`get_client()` picks the transport from TILE_SERVER_URL: empty means the embedded tile
server (in-process, `embedded.py`); an http(s) URL means a remote PMA.core-compatible server
(`remote.py`). Both have the interface of `base.TileClient` and raise the same errors.
Calls run on someone's behalf: see `principals.py`; `calls.py` runs them.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings

from studio.tileclient.base import TileClient

__all__ = ["TileClient", "get_client", "is_remote"]


def get_client() -> TileClient:
    return _client_for(
        settings.TILE_SERVER_URL,
        settings.TILE_SERVER_SERVICE_USERNAME,
        settings.TILE_SERVER_SERVICE_PASSWORD,
    )


def is_remote() -> bool:
    return bool(settings.TILE_SERVER_URL)


@cache
def _client_for(url: str, service_username: str, service_password: str) -> TileClient:
    if not url:
        from studio.tileclient.embedded import EmbeddedClient

        return EmbeddedClient()
    from studio.tileclient.remote import RemoteClient

    return RemoteClient(
        url,
        service_username=service_username,
        service_password=service_password,
        connect_timeout=settings.TILE_SERVER_CONNECT_TIMEOUT,
        read_timeout=settings.TILE_SERVER_READ_TIMEOUT,
        pool_size=settings.TILE_THREADS * 2,
        tile_connections=settings.TILE_SERVER_CONNECTIONS,
    )
