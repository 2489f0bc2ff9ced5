"""Fixtures of the tile-server tests: API users and sessions, and a live tile server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.base import fast_hashers
from tileserver.models import ApiSession

__all__ = ["fast_hashers"]

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
START_TIMEOUT = 60.0


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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings",
        "SLIDES_DIR": str(demo_slides_dir),
        "DATABASE_URL": f"sqlite:///{workdir / 'tileserver.sqlite3'}",
        "VAR_DIR": str(workdir),
        "TILE_SERVER_URL": "",
        "REDIS_URL": "",
        "DJANGO_SUPERUSER_USERNAME": username,
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "tiles@example.org",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "createsuperuser", "--noinput")
    port = _free_port()
    log_path = workdir / "daphne.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [_daphne(), "-b", "127.0.0.1", "-p", str(port), "studio.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/core/"
        _wait_until_answering(process, url + "api/json/IsLite", log_path)
        yield LiveTileServer(url=url, username=username, password=PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True
    )


def _daphne() -> str:
    beside_python = Path(sys.executable).with_name("daphne")
    return str(beside_python) if beside_python.exists() else "daphne"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the tile server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"the tile server did not answer within {START_TIMEOUT} s:\n{log_path.read_text()}")


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
