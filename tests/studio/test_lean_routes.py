"""The lean ASGI path: tile and image routes served without the middleware chain.

Django's test client goes through the full handler, so these tests call the project's
real ASGI application the way Daphne does.
"""

from __future__ import annotations

import re
import time
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver
from pytest_django.fixtures import Settings

from studio.asgi import application
from studio.auth import VERDICT_SECONDS
from studio.lean import LeanRoutes, _LazySession
from studio.views import images
from tests.base import decode_image
from tileserver import engine

SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"
pytestmark = pytest.mark.django_db(transaction=True)
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def session_cookie(client: Client) -> bytes:
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def _get(path: str, cookie: bytes, method: str) -> dict:
    headers = (
        [(b"host", b"127.0.0.1"), (b"cookie", cookie)] if cookie else [(b"host", b"127.0.0.1")]
    )
    communicator = HttpCommunicator(application, method, path, headers=headers)
    response = await communicator.get_response(timeout=10)
    # Django's handler waits for the disconnect before it closes the request body.
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=10)
    return response


def get(path: str, cookie: bytes = b"", method: str = "GET") -> dict:
    return async_to_sync(_get)(path, cookie, method)


def tile_path(fingerprint: str, z: int, x: int = 0, y: int = 0) -> str:
    return f"/tiles/{fingerprint}/{z}/{x}_{y}.jpg?slide={quote(SLIDE)}"


def header(response: dict, name: bytes) -> bytes | None:
    return dict(response["headers"]).get(name)


def test_tile_routes_are_resolved_as_lean_and_pages_are_not() -> None:
    routes = LeanRoutes(application)
    tile = {"type": "http", "method": "GET", "path": "/tiles/fp/0/0_0.jpg"}
    assert routes._match(tile) is not None
    assert routes._match({**tile, "method": "POST"}) is None
    assert routes._match({**tile, "path": "/login/"}) is None
    assert routes._match({**tile, "path": "/no/such/page/"}) is None


def test_no_lean_route_is_shadowed_by_an_earlier_route() -> None:
    # LeanRoutes tries the lean routes' patterns before the URLconf: Django must resolve
    # what they match to the same views. One sample value per converter: a route added
    # ahead of a lean one that matches only some values (a re_path, say) would need its
    # own case here.
    routes = LeanRoutes(application)
    routes._match({"type": "http", "method": "GET", "path": "/login/"})
    assert routes.lean_patterns, "the tile routes are lean"
    samples = {"int": "7", "str": "abc", "slug": "a-b", "path": "a/b"}
    for pattern, view in routes.lean_patterns:
        path = "/" + re.sub(r"<(\w+):\w+>", lambda m: samples[m[1]], str(pattern))
        assert get_resolver().resolve(path).func is view, path
        assert routes._match({"type": "http", "method": "GET", "path": path})[0] is view


def test_a_tile_path_is_matched_with_its_values() -> None:
    routes = LeanRoutes(application)
    view, kwargs = routes._match({"type": "http", "method": "GET", "path": "/tiles/f1/3/4_5.jpg"})
    assert view is images.tile
    assert kwargs == {"fingerprint": "f1", "z": 3, "x": 4, "y": 5}
    assert routes._match({"type": "http", "method": "GET", "path": "/tiles/f1/3/4_y.jpg"}) is None


def test_it_serves_a_tile_to_a_logged_in_user_through_asgi(
    slides_dir: Path, owner_client: Client
) -> None:
    info = engine.slide_info(SLIDE)
    response = get(tile_path(info.fingerprint, info.max_zoom_level), session_cookie(owner_client))
    assert response["status"] == 200
    image = decode_image(response["body"])
    assert image.format == "JPEG" and image.size == (info.tile_size, info.tile_size)
    assert header(response, b"Content-Length") == str(len(response["body"])).encode()
    assert header(response, b"ETag") == f'"{info.fingerprint}-{info.max_zoom_level}-0-0"'.encode()
    assert b"Cookie" in header(response, b"Vary")
    assert header(response, b"X-Content-Type-Options") == b"nosniff"


def test_a_warm_tile_makes_no_trip_to_the_shared_cache(
    slides_dir: Path, owner_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With REDIS_URL each trip is a network round trip and a thread hand-off: hundreds of
    # tiles a second, each reading the session, the login check and the slide info, made
    # Redis the bottleneck (two processes were slower than one).
    info = engine.slide_info(SLIDE)
    path, cookie = tile_path(info.fingerprint, 0), session_cookie(owner_client)
    assert get(path, cookie)["status"] == 200
    reads: list[str] = []
    for name in ("get", "aget", "get_many", "aget_many"):
        original = getattr(cache, name)
        monkeypatch.setattr(cache, name, partial(_counted, reads, name, original))
    assert get(path, cookie)["status"] == 200
    assert reads == []


def _counted(reads: list[str], name: str, original: Any, *args: Any, **kwargs: Any) -> Any:
    reads.append(name)
    return original(*args, **kwargs)


def test_a_session_ended_elsewhere_stops_tiles_within_seconds(
    slides_dir: Path, owner_client: Client
) -> None:
    # Another process ends the session (a logout there, the idle timeout): this one trusts
    # the login it remembers for VERDICT_SECONDS at most; a logout here ends it at once.
    info = engine.slide_info(SLIDE)
    path, cookie = tile_path(info.fingerprint, 0), session_cookie(owner_client)
    with time_machine.travel(time.time(), tick=False) as clock:
        assert get(path, cookie)["status"] == 200
        SessionStore(owner_client.cookies[settings.SESSION_COOKIE_NAME].value).delete()
        clock.shift(VERDICT_SECONDS + 1)
        assert get(path, cookie)["status"] == 401


def test_a_logout_stops_tiles_at_once(slides_dir: Path, owner_client: Client) -> None:
    info = engine.slide_info(SLIDE)
    path, cookie = tile_path(info.fingerprint, 0), session_cookie(owner_client)
    assert get(path, cookie)["status"] == 200
    assert owner_client.post("/logout/").status_code == 302
    assert get(path, cookie)["status"] == 401


def test_it_refuses_tiles_without_a_session(slides_dir: Path) -> None:
    info = engine.slide_info(SLIDE)
    response = get(tile_path(info.fingerprint, 0))
    assert response["status"] == 401
    assert not response["body"].startswith(b"\xff\xd8")


def test_it_refuses_a_forged_session_cookie(slides_dir: Path) -> None:
    info = engine.slide_info(SLIDE)
    forged = f"{settings.SESSION_COOKIE_NAME}=notarealsessionkey1234567890abcd".encode()
    response = get(tile_path(info.fingerprint, 0), forged)
    assert response["status"] == 401


def test_other_methods_on_a_tile_url_go_through_django(
    slides_dir: Path, owner_client: Client
) -> None:
    info = engine.slide_info(SLIDE)
    response = get(tile_path(info.fingerprint, 0), session_cookie(owner_client), "POST")
    # The full handler answers: CSRF refuses the POST before the view's GET-only check.
    assert response["status"] in (403, 405)


def test_pages_still_get_the_middleware_chain() -> None:
    response = get("/login/")
    assert response["status"] == 200
    assert header(response, b"X-Frame-Options") == b"DENY"


async def _get_with(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    communicator = HttpCommunicator(application, "GET", path, headers=headers)
    response = await communicator.get_response(timeout=10)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=10)
    return response


@pytest.fixture
def production(settings: Settings) -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["studio.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_tile_requests_are_sent_to_https(production: None) -> None:
    path = tile_path("f" * 32, 0)
    response = async_to_sync(_get_with)(path, [(b"host", b"studio.example.org")])
    assert response["status"] == 301
    assert header(response, b"Location") == f"https://studio.example.org{path}".encode()


def test_https_tile_answers_carry_hsts(production: None) -> None:
    headers = [(b"host", b"studio.example.org"), (b"x-forwarded-proto", b"https")]
    response = async_to_sync(_get_with)(tile_path("f" * 32, 0), headers)
    assert response["status"] == 401  # no session: the view itself answered
    assert header(response, b"Strict-Transport-Security").startswith(b"max-age=31536000")
    assert header(response, b"X-Content-Type-Options") == b"nosniff"


def test_a_foreign_host_header_is_400_on_a_lean_route(production: None) -> None:
    for _ in range(2):  # the verdict is remembered; the second answer must not change
        headers = [(b"host", b"evil.example.net"), (b"x-forwarded-proto", b"https")]
        response = async_to_sync(_get_with)(tile_path("f" * 32, 0), headers)
        assert response["status"] == 400


def test_the_lean_session_is_made_only_when_more_than_its_key_is_asked() -> None:
    made: list[str | None] = []

    def make(key: str | None) -> SessionStore:
        made.append(key)
        return SessionStore(key)

    short, good = _LazySession(make, "short"), _LazySession(make, "k" * 32)
    assert short.session_key is None  # as SessionBase: too short to be a key
    assert good.session_key == "k" * 32
    assert not good.accessed and not good.modified
    assert made == []
    good["seen"] = 1
    assert good["seen"] == 1 and "seen" in good
    del good["seen"]
    assert "seen" not in good and good.modified
    assert made == ["k" * 32]
