"""On whose behalf a tile-server call runs, and where its session ID comes from.

- `RequestPrincipal`: the logged-in user, with their own tile-server session (kept in the
  Django session, see studio/auth.py).
- `SessionPrincipal`: whoever holds a session ID handed in from outside (an integrator's
  `sessionID`); it cannot be renewed.
- `OwnerPrincipal`: a user who is not there, whose share links or panel tokens are being
  used. The session comes from `TileClient.delegated_session`: the owner's own on the
  embedded server, the service account's on a remote one. A deactivated owner gets no
  session at all; `forget_delegated_session` drops the kept one when a user changes.

`get(renew=True)` opens a fresh session after the tile server said the old one expired.
The session ID also keys caches of answers that depend on who asks (studio/tileclient/calls.py).
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest

from pmacore.errors import NotAuthenticated
from studio.auth import atile_session_id, tile_session_id
from studio.lib.blocking import run_blocking
from studio.lib.ttl_memo import TTLMemo
from studio.tileclient import get_client

# How long a delegated session ID is reused before it is asked for again.
DELEGATED_SESSION_SECONDS = 300
# A session forgotten in another process (its owner changed) is forgotten here within this.
_recent_delegated: TTLMemo[int, str] = TTLMemo(seconds=10, max_entries=10_000)


class Principal(Protocol):
    def get(self, *, renew: bool = False) -> str: ...

    async def aget(self, *, renew: bool = False) -> str: ...


class RequestPrincipal:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get(self, *, renew: bool = False) -> str:
        return tile_session_id(self.request, renew=renew)

    async def aget(self, *, renew: bool = False) -> str:
        return await atile_session_id(self.request, renew=renew)


class SessionPrincipal:
    def __init__(self, session_id: str) -> None:
        self.session_id = session_id

    def get(self, *, renew: bool = False) -> str:
        if renew:
            raise NotAuthenticated("The sessionID is missing, unknown or expired.")
        return self.session_id

    async def aget(self, *, renew: bool = False) -> str:
        return self.get(renew=renew)


class OwnerPrincipal:
    """The owner (user id `user_id`) of a share link or panel token. A warm `aget` makes no
    database query: the session ID is kept in the cache, and for a few seconds in the
    process too (a share link's tiles ask for it each)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.key = _delegated_key(user_id)

    def get(self, *, renew: bool = False) -> str:
        session_id = None if renew else cache.get(self.key)
        if not session_id:
            session_id = self._open()
            cache.set(self.key, session_id, DELEGATED_SESSION_SECONDS)
        return session_id

    async def aget(self, *, renew: bool = False) -> str:
        session_id = None if renew else _recent_delegated.get(self.user_id)
        if session_id:
            return session_id
        session_id = None if renew else await cache.aget(self.key)
        if not session_id:
            session_id = await run_blocking(self._open)
            await cache.aset(self.key, session_id, DELEGATED_SESSION_SECONDS)
        _recent_delegated.put(self.user_id, session_id)
        return session_id

    def _open(self) -> str:
        user = get_user_model().objects.filter(pk=self.user_id).first()
        if user is None:
            raise NotAuthenticated("This account no longer exists.")
        if not user.is_active:
            raise NotAuthenticated("This account is disabled.")
        return get_client().delegated_session(user)


def forget_delegated_session(user_id: int) -> None:
    _recent_delegated.forget(user_id)
    cache.delete(_delegated_key(user_id))


def _delegated_key(user_id: int) -> str:
    return f"tileclient:delegated-session:{user_id}"
