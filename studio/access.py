"""What a request may see of the tile server, and the calls made on its user's behalf.

Every view gets slides through these getters, so permission rules (share links later) have
one place to live. Today any logged-in user may see every slide the tile server serves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest

from studio.auth import atile_session_id, tile_session_id
from studio.lib.blocking import run_blocking
from studio.tileclient import TileClient, get_client
from tileserver.errors import NotAuthenticated
from tileserver.types import SlideInfo

T = TypeVar("T")

# Slide info is cached briefly: it carries the fingerprint every tile request checks.
SLIDE_INFO_SECONDS = 60

Call = Callable[[TileClient, str], T]


def call(request: HttpRequest, func: Call[T]) -> T:
    """Run `func(client, session_id)`, reopening an expired tile-server session once."""
    client = get_client()
    try:
        return func(client, tile_session_id(request))
    except NotAuthenticated:
        return func(client, tile_session_id(request, renew=True))


async def acall(request: HttpRequest, func: Call[T]) -> T:
    """`call` for async views: the blocking part runs in the tile thread pool."""
    client = get_client()
    try:
        return await run_blocking(func, client, await atile_session_id(request))
    except NotAuthenticated:
        session_id = await atile_session_id(request, renew=True)
        return await run_blocking(func, client, session_id)


def get_slide_info(request: HttpRequest, path_or_uid: str) -> SlideInfo:
    key = _slide_info_key(path_or_uid)
    info = cache.get(key)
    if info is None:
        info = call(request, lambda client, sid: client.slide_info(sid, path_or_uid))
        cache.set(key, info, SLIDE_INFO_SECONDS)
    return info


async def aget_slide_info(request: HttpRequest, path_or_uid: str) -> SlideInfo:
    key = _slide_info_key(path_or_uid)
    info = await cache.aget(key)
    if info is None:
        info = await acall(request, lambda client, sid: client.slide_info(sid, path_or_uid))
        await cache.aset(key, info, SLIDE_INFO_SECONDS)
    return info


def _slide_info_key(path_or_uid: str) -> str:
    return "studio:slide-info:" + hashlib.sha256(path_or_uid.encode()).hexdigest()[:40]
