"""What a request may see of the tile server, and the calls made on someone's behalf.

Every view gets slides through these getters, so permission rules have one place to live.
A call runs with a `TileSession`: whose tile-server session ID to use, and how to open a
new one when it has expired. A logged-in user's request uses their own session
(`RequestSession`); a share link's recipient borrows the link owner's (`UserSession`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.contrib.auth import get_user_model
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
# How long a user's tile-server session ID is reused for calls made on their behalf.
USER_SESSION_SECONDS = 300

Call = Callable[[TileClient, str], T]


class TileSession(Protocol):
    """Where a call's tile-server session ID comes from; `renew` opens a fresh one."""

    def get(self, *, renew: bool = False) -> str: ...

    async def aget(self, *, renew: bool = False) -> str: ...


class RequestSession:
    """The logged-in user's own session, kept in their Django session."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get(self, *, renew: bool = False) -> str:
        return tile_session_id(self.request, renew=renew)

    async def aget(self, *, renew: bool = False) -> str:
        return await atile_session_id(self.request, renew=renew)


class UserSession:
    """A session of the user with id `user_id`, opened without their password.

    Share links show slides as their owner sees them. The session ID is kept in the cache,
    so a warm request makes no database query.
    """

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.key = f"studio:user-tile-session:{user_id}"

    def get(self, *, renew: bool = False) -> str:
        session_id = None if renew else cache.get(self.key)
        if not session_id:
            session_id = self._open()
            cache.set(self.key, session_id, USER_SESSION_SECONDS)
        return session_id

    async def aget(self, *, renew: bool = False) -> str:
        session_id = None if renew else await cache.aget(self.key)
        if not session_id:
            session_id = await run_blocking(self._open)
            await cache.aset(self.key, session_id, USER_SESSION_SECONDS)
        return session_id

    def _open(self) -> str:
        user = get_user_model().objects.filter(pk=self.user_id).first()
        if user is None:
            raise NotAuthenticated("This account no longer exists.")
        return get_client().session_for_user(user)


def call_with(session: TileSession, func: Call[T]) -> T:
    """Run `func(client, session_id)`, reopening an expired tile-server session once."""
    client = get_client()
    try:
        return func(client, session.get())
    except NotAuthenticated:
        return func(client, session.get(renew=True))


async def acall_with(session: TileSession, func: Call[T]) -> T:
    """`call_with` for async views: the blocking part runs in the tile thread pool."""
    client = get_client()
    try:
        return await run_blocking(func, client, await session.aget())
    except NotAuthenticated:
        session_id = await session.aget(renew=True)
        return await run_blocking(func, client, session_id)


def call(request: HttpRequest, func: Call[T]) -> T:
    return call_with(RequestSession(request), func)


async def acall(request: HttpRequest, func: Call[T]) -> T:
    return await acall_with(RequestSession(request), func)


def get_folder_contents(request: HttpRequest, folder: str) -> tuple[list[str], list[str]]:
    """Sub-folders and slides of `folder` (full virtual paths); the root directories when
    `folder` is empty (they hold no slides themselves)."""
    if not folder:
        return call(request, lambda client, sid: client.root_directories(sid)), []
    folders = call(request, lambda client, sid: client.directories(sid, folder))
    slides = call(request, lambda client, sid: client.slides(sid, folder))
    return folders, slides


def slide_info_with(session: TileSession, path_or_uid: str) -> SlideInfo:
    key = _slide_info_key(path_or_uid)
    info = cache.get(key)
    if info is None:
        info = call_with(session, lambda client, sid: client.slide_info(sid, path_or_uid))
        cache.set(key, info, SLIDE_INFO_SECONDS)
    return info


async def aslide_info_with(session: TileSession, path_or_uid: str) -> SlideInfo:
    key = _slide_info_key(path_or_uid)
    info = await cache.aget(key)
    if info is None:
        info = await acall_with(session, lambda client, sid: client.slide_info(sid, path_or_uid))
        await cache.aset(key, info, SLIDE_INFO_SECONDS)
    return info


def get_slide_info(request: HttpRequest, path_or_uid: str) -> SlideInfo:
    return slide_info_with(RequestSession(request), path_or_uid)


async def aget_slide_info(request: HttpRequest, path_or_uid: str) -> SlideInfo:
    return await aslide_info_with(RequestSession(request), path_or_uid)


def _slide_info_key(path_or_uid: str) -> str:
    return "studio:slide-info:" + hashlib.sha256(path_or_uid.encode()).hexdigest()[:40]
