"""Lean routes: async GET views served without Django's middleware chain.

Under ASGI every `MiddlewareMixin` middleware runs its request and response hooks through
`sync_to_async`, and each request starts a thread-sensitive context: a dozen thread hops
per request, which caps one process at a few hundred tiles a second. Views marked with
`@lean_route` (the tile and image routes) are resolved with the normal URLconf but called
directly, with the session and the user loader attached here exactly as SessionMiddleware
and AuthenticationMiddleware would, and the few response headers those routes need.

Security is not skipped: the Host header is checked against ALLOWED_HOSTS (the verdict per
Host value is remembered, so a warm request pays one dict lookup), and Django's own
SecurityMiddleware is called directly, without its thread hops, for the HTTPS redirect,
HSTS and the other security headers.

Lean views must be async, read-only (GET/HEAD) and must not rely on any other middleware:
no CSRF, no messages, no htmx attributes. A streaming answer must iterate asynchronously
(see studio/lib/file_stream.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import aclosing
from functools import partial
from importlib import import_module
from typing import Any, TypeVar

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from django.conf import settings
from django.contrib.auth import aget_user
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.cache import patch_vary_headers

from studio.lib import idle
from studio.lib.backpressure import paced

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Awaitable[HttpResponseBase]])
# Host header values whose verdict is remembered; the header is the client's to choose, so
# the memory is bounded.
MAX_KNOWN_HOSTS = 256
# Paths whose resolution is remembered (most tile paths are seen once: the memory is bounded).
MAX_KNOWN_PATHS = 1024
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
        self._configure()
        setting_changed.connect(self._configure, weak=False)

    def _configure(self, **kwargs: Any) -> None:
        """Read the settings the lean path depends on (again, when a test changes them)."""
        self.security = SecurityMiddleware(_never_called)
        self.known_hosts: dict[str, bool] = {}
        self.resolved: dict[str, tuple[Callable[..., Any], dict[str, Any]] | None] = {}
        self.lean_patterns: list[tuple[RoutePattern, Callable[..., Any]]] | None = None

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] == "http":
            send = paced(send)  # a large download waits for its client (backpressure.py)
        match = self._match(scope)
        if match is None:
            await self.django_app(scope, receive, send)
            return
        view, kwargs = match
        request = self._request(scope)
        try:
            response = self._guard(request)
            if response is None:
                response = await view(request, **kwargs)
                if request.session.accessed:  # a remembered login reads no session at all
                    await _keep_alive(request.session)
                if request.session.modified:
                    await request.session.asave()
            response = self.security.process_response(request, response)
        except Exception:
            logger.exception("lean route %s failed", scope.get("path"))
            response = HttpResponse(
                "Something went wrong.", status=500, content_type="text/plain; charset=utf-8"
            )
        await _send_response(response, send)

    def _guard(self, request: HttpRequest) -> HttpResponseBase | None:
        """What the middleware chain would answer before the view: a bad Host, or HTTPS."""
        if not self._host_allowed(request):
            return HttpResponse(
                "Bad Host header.", status=400, content_type="text/plain; charset=utf-8"
            )
        return self.security.process_request(request)

    def _host_allowed(self, request: HttpRequest) -> bool:
        meta = request.META
        host = f"{meta.get('HTTP_X_FORWARDED_HOST', '')}|{meta.get('HTTP_HOST', '')}"
        allowed = self.known_hosts.get(host)
        if allowed is None:
            try:
                request.get_host()
                allowed = True
            except DisallowedHost:
                allowed = False
            if len(self.known_hosts) >= MAX_KNOWN_HOSTS:
                self.known_hosts.clear()
            self.known_hosts[host] = allowed
        return allowed

    def _match(self, scope: Scope) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path = scope["path"]
        # PMA.core calls name everything in the query string: a client asking for tiles
        # sends one path ("/core/tile") over and over, which is worth resolving once.
        if path in self.resolved:
            return self.resolved[path]
        # A tile path is new every time: try the lean routes' own patterns before the whole
        # URLconf, which walks every app's routes first (20 µs a tile; no lean route is
        # shadowed by an earlier one, see test_lean_routes).
        if self.lean_patterns is None:
            self.lean_patterns = list(_lean_patterns(get_resolver()))
        for pattern, view in self.lean_patterns:
            found = pattern.match(path[1:])
            if found is not None:
                return view, found[2]
        try:
            resolved = get_resolver().resolve(path)
        except Resolver404:
            return None
        match = None
        if getattr(resolved.func, "lean_route", False):
            match = resolved.func, resolved.kwargs
        if len(self.resolved) >= MAX_KNOWN_PATHS:
            self.resolved.clear()
        self.resolved[path] = match
        return match

    def _request(self, scope: Scope) -> HttpRequest:
        request = ASGIRequest(scope, _EMPTY_BODY)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        request.session = _LazySession(self.session_store, session_key)  # type: ignore[assignment]
        request.auser = partial(aget_user, request)  # type: ignore[attr-defined]
        return request


def _lean_patterns(
    resolver: URLResolver, prefix: str = ""
) -> Iterator[tuple[RoutePattern, Callable[..., Any]]]:
    """The lean routes of the URLconf under `resolver` written with path() all the way
    down, each as one pattern of its whole route, in resolution order."""
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not entry.default_kwargs:
                yield from _lean_patterns(entry, route)
        elif getattr(entry.callback, "lean_route", False) and not entry.default_args:
            yield RoutePattern(route, is_endpoint=True), entry.callback


class _LazySession:
    """`request.session` on a lean route: the key at once, the store only when something
    asks it more than that. Making the store looks the cache up through asgiref's Local
    (about 25 µs), and a tile of a remembered login asks for the key alone."""

    __slots__ = ("_key", "_make", "_store")

    def __init__(self, make: Callable[[str | None], SessionBase], key: str | None) -> None:
        self._make = make
        self._key = key
        self._store: SessionBase | None = None

    @property
    def session_key(self) -> str | None:
        if self._store is not None:
            return self._store.session_key
        return self._key if self._key and len(self._key) >= 8 else None  # as SessionBase

    @property
    def accessed(self) -> bool:
        return self._store is not None and self._store.accessed

    @property
    def modified(self) -> bool:
        return self._store is not None and self._store.modified

    def _made(self) -> SessionBase:
        if self._store is None:
            self._store = self._make(self._key)
        return self._store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __getitem__(self, key: str) -> Any:
        return self._made()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._made()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._made()[key]

    def __contains__(self, key: str) -> bool:
        return key in self._made()


async def _keep_alive(session: SessionBase) -> None:
    """Panning the viewer is using the studio: refresh the session's idle timeout too."""
    if session.session_key:
        now = time.time()
        if idle.is_stale(await session.aget(idle.SEEN_KEY), now) and not session.is_empty():
            await session.aset(idle.SEEN_KEY, int(now))


def _never_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the lean path calls SecurityMiddleware's hooks, not the middleware")


class _EmptyBody:
    def read(self, *args: Any) -> bytes:
        return b""

    def close(self) -> None:
        pass


_EMPTY_BODY = _EmptyBody()


async def _send_response(response: HttpResponseBase, send: ASGISendCallable) -> None:
    """A plain answer in one message; a streaming one (a file download, whose view set its
    Content-Length) chunk by chunk from its async iterator."""
    assert isinstance(response, HttpResponse | StreamingHttpResponse), type(response)
    body = b"" if response.streaming else response.content
    if not response.streaming:
        response.headers.setdefault("Content-Length", str(len(body)))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # The answer depends on the session cookie: shared caches must not mix users.
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Cookie",))
    else:
        response.headers["Vary"] = "Cookie"
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if not response.streaming:
        await send({"type": "http.response.body", "body": body})
        return
    try:
        async with aclosing(aiter(response)) as content:
            async for chunk in content:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        response.close()
    await send({"type": "http.response.body"})
