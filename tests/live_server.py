"""Real second processes of this project: Daphne serving the studio with its own database.

Used by the browser journeys (the studio), by the tile-server tests (the same project in
tile-server role, spoken to by the pma_python SDK) and by the studio's tests in remote mode
(`--tile-server=remote`), whose studio talks to such a process over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
APP = "studio.asgi:application"
TILE_SERVER_USERNAME = "tile-admin"
TILE_SERVER_PASSWORD = "tiles-for-the-studio-42"


@dataclass
class LiveProcess:
    """Daphne on a fixed port with a fixed environment: can be stopped and started again
    (same port, same database), as a tile server that goes down and comes back."""

    env: dict[str, str]
    port: int
    ready_path: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                # As `manage.py serve` runs it: Daphne with the redacting access log.
                [
                    sys.executable,
                    "-m",
                    "studio.server",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    APP,
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_answering(self.process, self.url + self.ready_path, self.log_path)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@dataclass(frozen=True)
class LiveTileServer:
    """A second process of this project (Daphne) acting as the tile server."""

    url: str  # the PMA.core base URL, ending in /core/
    username: str  # an administrator, also the studio's service account in tests
    password: str
    process: LiveProcess


@contextmanager
def live_process(
    workdir: Path,
    slides_dir: Path,
    *,
    ready_path: str,
    setup: list[list[str]],
    extra_env: dict[str, str] | None = None,
) -> Iterator[LiveProcess]:
    """Migrate a fresh SQLite file in `workdir`, run each `manage.py` command in `setup`,
    start Daphne on a free port and yield it once `ready_path` answers 200. The process is
    stopped on exit."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "SLIDES_DIR": str(slides_dir),
        "DATABASE_URL": f"sqlite:///{workdir / 'studio.sqlite3'}",
        "VAR_DIR": str(workdir),
        "TILE_SERVER_URL": "",
        "REDIS_URL": "",
        "DEBUG": "true",
        **(extra_env or {}),
    }
    for args in [["migrate", "--noinput"], *setup]:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    process = LiveProcess(env, _free_port(), ready_path, workdir / "daphne.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()


@contextmanager
def live_server(
    workdir: Path,
    slides_dir: Path,
    *,
    ready_path: str,
    setup: list[list[str]],
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`live_process`, yielding only its base URL (no trailing slash)."""
    with live_process(
        workdir, slides_dir, ready_path=ready_path, setup=setup, extra_env=extra_env
    ) as process:
        yield process.url


@contextmanager
def live_tile_server_process(workdir: Path, slides_dir: Path) -> Iterator[LiveTileServer]:
    """This project in tile-server role, with an administrator account."""
    superuser = {
        "DJANGO_SUPERUSER_USERNAME": TILE_SERVER_USERNAME,
        "DJANGO_SUPERUSER_PASSWORD": TILE_SERVER_PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "tiles@example.org",
        # The studios under test log in from here, as a deployment would configure them.
        "TRUSTED_LOGIN_CALLERS": "127.0.0.1",
    }
    with live_process(
        workdir,
        slides_dir,
        ready_path="/core/api/json/IsLite",
        setup=[["createsuperuser", "--noinput"]],
        extra_env=superuser,
    ) as process:
        yield LiveTileServer(
            process.url + "/core/", TILE_SERVER_USERNAME, TILE_SERVER_PASSWORD, process
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"the server did not answer within {START_TIMEOUT} s:\n{log_path.read_text()}")
