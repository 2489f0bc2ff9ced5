"""Fixtures of the tile-server tests: API users and sessions, and a live tile server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.base import fast_hashers
from tests.live_server import live_server
from tileserver.models import ApiSession

__all__ = ["fast_hashers"]

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def pathologist(django_user_model: type[AbstractUser], fast_hashers: None) -> AbstractUser:
    return django_user_model.objects.create_user(
        "pathologist", email="path@example.org", password=PASSWORD, first_name="Ada"
    )


@pytest.fixture
def session_id(pathologist: AbstractUser) -> str:
    return ApiSession.open_for(pathologist, caller="tests").session_id


@pytest.fixture
def api_client() -> Client:
    # The API takes no cookies and no CSRF token: check that it does not need them.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def slides_dir(settings: Settings, demo_slides_dir: Path) -> Path:
    """The demo slides as SLIDES_DIR of the embedded tile server."""
    settings.SLIDES_DIR = demo_slides_dir
    return demo_slides_dir


@dataclass(frozen=True)
class LiveTileServer:
    """A second process of this project (Daphne) acting as the tile server."""

    url: str  # the PMA.core base URL, ending in /core/
    username: str
    password: str


@pytest.fixture(scope="session")
def live_tile_server(
    demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveTileServer]:
    workdir = tmp_path_factory.mktemp("live-tile-server")
    username = "tile-user"
    superuser = {
        "DJANGO_SUPERUSER_USERNAME": username,
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "tiles@example.org",
    }
    with live_server(
        workdir,
        demo_slides_dir,
        ready_path="/core/api/json/IsLite",
        setup=[["createsuperuser", "--noinput"]],
        extra_env=superuser,
    ) as url:
        yield LiveTileServer(url=url + "/core/", username=username, password=PASSWORD)


SLIDE_SUFFIXES = frozenset({".svs", ".tif", ".tiff", ".ndpi", ".mrxs", ".scn", ".bif"})


def virtual_slide_paths(root: Path) -> list[str]:
    """Every slide below `root` as a virtual path, found on disk (not through the API)."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.suffix.lower() in SLIDE_SUFFIXES
    )


@pytest.fixture
def demo_slides(slides_dir: Path) -> list[str]:
    slides = virtual_slide_paths(slides_dir)
    assert slides, f"no demo slides in {slides_dir}"
    return slides


@pytest.fixture
def demo_slide(demo_slides: list[str]) -> str:
    return demo_slides[0]
