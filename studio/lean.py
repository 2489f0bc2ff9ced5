"""Lean routes: async GET views served without Django's middleware chain.

Under ASGI every `MiddlewareMixin` middleware runs its request and response hooks through
`sync_to_async`, and each request starts a thread-sensitive context: a dozen thread hops
per request, which caps one process at a few hundred tiles a second. Views marked with
`@lean_route` (the tile and image routes) are resolved with the normal URLconf but called
directly, with the session and the user loader attached here exactly as SessionMiddleware
and AuthenticationMiddleware would, and the few response headers those routes need.

Lean views must be async, read-only (GET/HEAD) and must not rely on any other middleware:
no CSRF, no messages, no htmx attributes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from importlib import import_module
from typing import Any, TypeVar

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from django.conf import settings
from django.contrib.auth import aget_user
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Awaitable[HttpResponseBase]])
ASGIApp = Callable[[Scope, ASGIReceiveCallable, ASGISendCallable], Awaitable[None]]


def lean_route(view: View) -> View:
    """Serve this async GET view without the middleware chain (see the module docstring)."""
    view.lean_route = True  # type: ignore[attr-defined]
    return view


class LeanRoutes:
    """ASGI app in front of Django: lean routes are served here, the rest goes to Django."""

    def __init__(self, django_app: ASGIApp) -> None:
        self.django_app = django_app
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        match = self._match(scope)
        if match is None:
            await self.django_app(scope, receive, send)
            return
        view, kwargs = match
        request = self._request(scope)
        try:
            response = await view(request, **kwargs)
            if request.session.modified:
                await request.session.asave()
        except Exception:
            logger.exception("lean route %s failed", scope.get("path"))
            response = HttpResponse(
                "Something went wrong.", status=500, content_type="text/plain; charset=utf-8"
            )
        await _send_response(response, send)

    def _match(self, scope: Scope) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        try:
            resolved = get_resolver().resolve(scope["path"])
        except Resolver404:
            return None
        if not getattr(resolved.func, "lean_route", False):
            return None
        return resolved.func, resolved.kwargs

    def _request(self, scope: Scope) -> HttpRequest:
        request = ASGIRequest(scope, _EMPTY_BODY)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        request.session = self.session_store(session_key)
        request.auser = partial(aget_user, request)  # type: ignore[attr-defined]
        return request


class _EmptyBody:
    def read(self, *args: Any) -> bytes:
        return b""

    def close(self) -> None:
        pass


_EMPTY_BODY = _EmptyBody()


async def _send_response(response: HttpResponseBase, send: ASGISendCallable) -> None:
    assert isinstance(response, HttpResponse), "lean routes answer with plain HttpResponse"
    body = response.content
    response.headers.setdefault("Content-Length", str(len(body)))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # The answer depends on the session cookie: shared caches must not mix users.
    patch_vary_headers(response, ("Cookie",))
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
