"""The studio's tile-server client: `get_client()` picks the transport from TILE_SERVER_URL."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from studio.tileclient.base import TileClient

__all__ = ["TileClient", "get_client"]


def get_client() -> TileClient:
    return _client_for(settings.TILE_SERVER_URL)


@cache
def _client_for(url: str) -> TileClient:
    if not url:
        from studio.tileclient.embedded import EmbeddedClient

        return EmbeddedClient()
    raise ImproperlyConfigured(
        f"TILE_SERVER_URL is {url!r}, but the remote tile-server transport is not available "
        "yet: leave TILE_SERVER_URL empty to use the embedded tile server."
    )
