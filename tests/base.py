"""Shared test helpers: named personas, logged-in clients, and small image checks.

Import the fixtures into a conftest.py to use them (`from tests.base import owner, ...`).
Personas: `owner` (the pathologist whose slides and shares a test is about), `colleague`
(another ordinary user), `stranger` (a user with no business with the owner's things) and
`admin` (a staff superuser).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.http import HttpResponseBase
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from studio.lib.ttl_memo import forget_all
from studio.serving import forget_images
from tests import remote_users
from tests.live_server import LiveTileServer

PASSWORD = "slides-and-stains-42"
# Logins hash passwords twice (studio and tile server): keep that fast in tests.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, *, password: str = PASSWORD, **fields: object) -> AbstractUser:
    """A studio user; with a remote tile server, also a user of that server (where the
    studio's logins are checked) with the same password."""
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username, email=f"{username}@example.org", password=password, **fields
    )
    if settings.TILE_SERVER_URL:
        remote_users.create(user, password)
    return user


def client_for(user: AbstractUser, password: str = PASSWORD) -> Client:
    """A test client logged in as `user`. Embedded: without a tile-server session yet (the
    studio opens one on first use, as after a server restart). Remote: through the login,
    which opens the session on the remote server (a remote server opens none without it)."""
    client = Client()
    if settings.TILE_SERVER_URL:
        assert client.login(username=user.get_username(), password=password)
    else:
        client.force_login(user)
    return client


def csp_directives(response: HttpResponseBase) -> dict[str, str]:
    """The response's Content-Security-Policy as {directive: value}."""
    policy = response["Content-Security-Policy"]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: value for name, value in pairs}


def frame_ancestors(response: HttpResponseBase) -> str:
    return csp_directives(response)["frame-ancestors"]


def decode_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def demo_slides_dir_or_skip(request: pytest.FixtureRequest) -> Path:
    """The session's demo slides (tests/conftest.py), skipping the test if there are none."""
    try:
        return Path(request.getfixturevalue("demo_slides_dir"))
    except pytest.FixtureLookupError:
        pytest.skip("no demo_slides_dir fixture: the demo slides are not available")


@pytest.fixture
def fast_hashers(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def owner(fast_hashers: None, django_user_model: type[AbstractUser]) -> AbstractUser:
    return make_user("owner", first_name="Olivia")


@pytest.fixture
def colleague(fast_hashers: None, django_user_model: type[AbstractUser]) -> AbstractUser:
    return make_user("colleague", first_name="Carl")


@pytest.fixture
def stranger(fast_hashers: None, django_user_model: type[AbstractUser]) -> AbstractUser:
    return make_user("stranger")


@pytest.fixture
def admin(fast_hashers: None, django_user_model: type[AbstractUser]) -> AbstractUser:
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def owner_client(owner: AbstractUser) -> Client:
    return client_for(owner)


def forget_everything_cached() -> None:
    """The shared cache and this process's own memories (images, recent answers)."""
    cache.clear()
    forget_images()
    forget_all()


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    # Tiles, slide info and session checks live in the caches: no test sees another's.
    forget_everything_cached()
    yield
    forget_everything_cached()


@pytest.fixture
def slides_dir(settings: Settings, request: pytest.FixtureRequest) -> Path:
    settings.SLIDES_DIR = demo_slides_dir_or_skip(request)
    return settings.SLIDES_DIR


@pytest.fixture
def slide_path(slides_dir: Path) -> str:
    """The virtual path of a demo slide (the largest, so that it has several zoom levels)."""
    files = sorted(slides_dir.rglob("*.svs"), key=lambda p: (-p.stat().st_size, str(p)))
    return files[0].relative_to(slides_dir).as_posix()


def use_tile_server(settings: Settings, server: LiveTileServer) -> None:
    """Point the studio at `server`, a live tile-server process, as an admin would with
    TILE_SERVER_URL and the service account (its administrator, in tests)."""
    settings.TILE_SERVER_URL = server.url
    settings.TILE_SERVER_SERVICE_USERNAME = server.username
    settings.TILE_SERVER_SERVICE_PASSWORD = server.password
    # settings.py picks the backends from TILE_SERVER_URL at start-up: pick them again.
    settings.AUTHENTICATION_BACKENDS = [
        "studio.tileclient.backend.TileServerBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


def uid_on_tile_server(user: AbstractUser, path: str) -> str:
    """The slide's UID as the studio's tile server gives it (each server has its own)."""
    from studio.tileclient import get_client

    client = get_client()
    return client.slide_info(client.delegated_session(user), path).uid


def clear_annotations(slide: str) -> None:
    """Delete every annotation of `slide` on a remote tile server, which keeps its database
    for the whole run (the embedded one's is emptied after each test), as its administrator."""
    if not settings.TILE_SERVER_URL:
        return
    from studio.tileclient import get_client

    client = get_client()
    session_id = client.authenticate(
        settings.TILE_SERVER_SERVICE_USERNAME, settings.TILE_SERVER_SERVICE_PASSWORD
    ).session_id
    found = [item.id for item in client.annotations(session_id, slide)]
    if found:
        client.save_annotations(session_id, slide, deleted=found)


@pytest.fixture
def annotated_slide(slide_path: str) -> Iterator[str]:
    """`slide_path`, without annotations before and after the test in either mode."""
    clear_annotations(slide_path)
    yield slide_path
    clear_annotations(slide_path)


def byterange_parts(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """(Content-Range, bytes) of each part of a multipart/byteranges answer."""
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.rpartition("boundary=")[2].encode()
    parts = body.split(b"--" + boundary)
    assert parts[0] == b"" and parts[-1] == b"--\r\n"
    found = []
    for part in parts[1:-1]:
        head, _, data = part.partition(b"\r\n\r\n")
        assert data.endswith(b"\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().strip().split("\r\n"))
        found.append((headers["Content-Range"], data[:-2]))
    return found
