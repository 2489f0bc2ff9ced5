"""Tile-server calls made on a principal's behalf, and the answers worth keeping.

    call(principal, lambda client, sid: client.directories(sid, folder))
    info = await aslide_info(principal, path)

A call that meets an expired session opens a fresh one once and tries again. Slide info is
cached briefly per session (the answer depends on who asks, and a session ID names one
principal): it carries the fingerprint that every tile request checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from django.core.cache import cache

from pmacore.errors import NotAuthenticated
from pmacore.types import SlideInfo
from studio.lib.blocking import run_blocking
from studio.lib.ttl_memo import TTLMemo
from studio.tileclient import TileClient, get_client
from studio.tileclient.principals import Principal

T = TypeVar("T")
Call = Callable[[TileClient, str], T]
AsyncCall = Callable[[TileClient, str], Awaitable[T]]

SLIDE_INFO_SECONDS = 60
# By (session ID, slide) in the process; by a digest of them in the shared cache.
_recent_slide_info: TTLMemo[tuple[str, str], SlideInfo] = TTLMemo(seconds=10, max_entries=10_000)


def call(principal: Principal, func: Call[T]) -> T:
    """Run `func(client, session_id)`, reopening an expired tile-server session once."""
    client = get_client()
    try:
        return func(client, principal.get())
    except NotAuthenticated:
        return func(client, principal.get(renew=True))


async def acall(principal: Principal, func: Call[T]) -> T:
    """`call` for async views: the blocking part runs in the tile thread pool."""
    return await acall_async(principal, lambda client, sid: run_blocking(func, client, sid))


async def acall_async(principal: Principal, func: AsyncCall[T]) -> T:
    """`call` for a coroutine of the client (`atile`), awaited on the caller's loop."""
    client = get_client()
    try:
        return await func(client, await principal.aget())
    except NotAuthenticated:
        return await func(client, await principal.aget(renew=True))


def folder_contents(principal: Principal, folder: str) -> tuple[list[str], list[str]]:
    """Sub-folders and slides of `folder` (full virtual paths); the root directories when
    `folder` is empty (they hold no slides themselves)."""
    if not folder:
        return call(principal, lambda client, sid: client.root_directories(sid)), []
    folders = call(principal, lambda client, sid: client.directories(sid, folder))
    slides = call(principal, lambda client, sid: client.slides(sid, folder))
    return folders, slides


def slide_info(principal: Principal, path_or_uid: str) -> SlideInfo:
    key = _slide_info_key(principal.get(), path_or_uid)
    info = cache.get(key)
    if info is None:
        info = call(principal, lambda client, sid: client.slide_info(sid, path_or_uid))
        cache.set(key, info, SLIDE_INFO_SECONDS)
    return info


async def aslide_info(principal: Principal, path_or_uid: str) -> SlideInfo:
    """`slide_info` for the image routes, which ask it once per tile: the answer is also kept
    in this process for a few seconds, so that a warm tile makes no trip to Redis."""
    session_id = await principal.aget()
    info = _recent_slide_info.get((session_id, path_or_uid))
    if info is None:
        key = _slide_info_key(session_id, path_or_uid)
        info = await cache.aget(key)
        if info is None:
            info = await acall(principal, lambda client, sid: client.slide_info(sid, path_or_uid))
            await cache.aset(key, info, SLIDE_INFO_SECONDS)
        _recent_slide_info.put((session_id, path_or_uid), info)
    return info


def _slide_info_key(session_id: str, path_or_uid: str) -> str:
    digest = hashlib.sha256(f"{session_id}\n{path_or_uid}".encode()).hexdigest()[:40]
    return "tileclient:slide-info:" + digest
