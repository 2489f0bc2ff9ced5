"""Fixtures of the tile-server tests: API users and sessions, and a live tile server."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.base import fast_hashers
from tests.live_server import LiveTileServer
from tileserver.models import ApiSession

__all__ = ["LiveTileServer", "fast_hashers"]

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
