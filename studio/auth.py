"""The tile-server session of a logged-in studio user, kept server-side in the Django session.

Logging in to the studio logs in to the tile server (studio/tileclient/backend.py); the
session ID it hands out lives in the Django session under TILE_SESSION_KEY and never
reaches the browser. When it is missing or has expired, a new one is opened for the same
user where the tile server allows that without a password (embedded); otherwise the user
logs in again.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

from pmacore.errors import NotAuthenticated, TileServerError
from studio.lib.blocking import run_blocking
from studio.lib.ttl_memo import TTLMemo
from studio.tileclient import get_client

TILE_SESSION_KEY = "tile_session_id"
# How long the image routes trust an earlier full check of a Django session's user.
AUTH_CACHE_SECONDS = 60
# Per process, for the image routes: a logged-in Django session's tile-server session,
# trusted this long without reading the session or the cache (hundreds of tiles a second
# would otherwise each cost two trips to Redis). Logging out forgets it at once in the
# process that serves the logout, and within this many seconds in the others.
VERDICT_SECONDS = 10
_verdicts: TTLMemo[str, str] = TTLMemo(VERDICT_SECONDS, max_entries=10_000)


@receiver(user_logged_in, dispatch_uid="studio.keep_tile_session")
def keep_tile_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Keep the session the login opened on the tile server (see the backend)."""
    session_id = getattr(user, "tile_session_id", None)
    if session_id and request is not None and hasattr(request, "session"):
        request.session[TILE_SESSION_KEY] = session_id


def end_tile_session(request: HttpRequest) -> None:
    session_id = request.session.pop(TILE_SESSION_KEY, None)
    if request.session.session_key:
        _verdicts.forget(request.session.session_key)
        cache.delete(_auth_cache_key(request.session.session_key))
    if session_id:
        # The tile server may have forgotten it already; logging out must work anyway.
        with suppress(TileServerError):
            get_client().deauthenticate(session_id)


def tile_session_id(request: HttpRequest, *, renew: bool = False) -> str:
    """The tile-server session ID of this request's logged-in user, opened on demand."""
    session_id = None if renew else request.session.get(TILE_SESSION_KEY)
    if not session_id:
        if not request.user.is_authenticated:
            raise NotAuthenticated("Log in first.")
        session_id = get_client().session_for_user(request.user)
        request.session[TILE_SESSION_KEY] = session_id
    return session_id


async def atile_session_id(request: HttpRequest, *, renew: bool = False) -> str:
    """`tile_session_id` for async views; the database is only touched to open a session."""
    session_key = request.session.session_key
    if session_key and not renew:
        known = _verdicts.get(session_key)
        if known is not None:
            return known
    session_id = None if renew else await request.session.aget(TILE_SESSION_KEY)
    if not session_id:
        user = await request.auser()
        if not user.is_authenticated:
            raise NotAuthenticated("Log in first.")
        session_id = await run_blocking(get_client().session_for_user, user)
        await request.session.aset(TILE_SESSION_KEY, session_id)
        if session_key:
            _verdicts.forget(session_key)  # the next full check remembers the new one
    return session_id


async def ais_authenticated(request: HttpRequest) -> bool:
    """Whether a user is logged in, without a database query on most requests.

    `request.auser()` loads the user from the database; the image routes run once per tile,
    so a positive answer is remembered for a minute per Django session (the session itself
    comes from the cache-backed session store).
    """
    session_key = request.session.session_key
    if session_key and _verdicts.get(session_key) is not None:
        return True
    user_id = await request.session.aget(SESSION_KEY)
    if user_id is None or not session_key:
        return False
    key = _auth_cache_key(session_key)
    if await cache.aget(key) != user_id:
        user = await request.auser()
        if not user.is_authenticated:
            return False
        await cache.aset(key, user_id, AUTH_CACHE_SECONDS)
    tile_session = await request.session.aget(TILE_SESSION_KEY)
    if tile_session:
        _verdicts.put(session_key, tile_session)
    return True


def _auth_cache_key(session_key: str) -> str:
    return "studio:auth:" + hashlib.sha256(session_key.encode()).hexdigest()[:32]
