"""The studio's own middleware (the lean tile routes skip it: see studio/lean.py)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from inspect import iscoroutinefunction

from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from studio.lib import idle
from studio.lib.csp import content_security_policy

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]

# Pages that may be framed (X-Frame-Options SAMEORIGIN) get the same rule in CSP terms.
FRAME_ANCESTORS = {"SAMEORIGIN": "'self'"}


def _with_policy(response: HttpResponseBase) -> HttpResponseBase:
    # A view that set its own policy (share pages: who may frame them) keeps it.
    if "Content-Security-Policy" not in response:
        ancestors = FRAME_ANCESTORS.get(response.get("X-Frame-Options", ""), "'none'")
        response["Content-Security-Policy"] = content_security_policy(frame_ancestors=ancestors)
    return response


@sync_and_async_middleware
def content_security_policy_middleware(get_response: GetResponse) -> GetResponse:
    """Every answer gets the studio's Content-Security-Policy (studio/lib/csp.py)."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            return _with_policy(await get_response(request))  # type: ignore[misc]

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        return _with_policy(get_response(request))  # type: ignore[arg-type]

    return middleware


@sync_and_async_middleware
def idle_session_middleware(get_response: GetResponse) -> GetResponse:
    """Keep a session in use alive: refresh its expiry every few minutes (studio/lib/idle.py).

    Sessions that do not exist yet are left alone: an anonymous visit creates none. Async
    too: a sync-only middleware would run every async view on Django's one sync thread.
    """
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            session = request.session
            if session.session_key:
                now = time.time()
                seen = await session.aget(idle.SEEN_KEY)
                if idle.is_stale(seen, now) and not session.is_empty():
                    await session.aset(idle.SEEN_KEY, int(now))
            return await get_response(request)  # type: ignore[misc]

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if session.session_key:
            now = time.time()
            if idle.is_stale(session.get(idle.SEEN_KEY), now) and not session.is_empty():
                session[idle.SEEN_KEY] = int(now)
        return get_response(request)  # type: ignore[return-value]

    return middleware
