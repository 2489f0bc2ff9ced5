"""A real second process of this project: Daphne serving the studio with its own database.

Used by the browser journeys (the studio) and by the tile-server tests (the same process in
tile-server role, spoken to by the pma_python SDK).
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
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0


@contextmanager
def live_server(
    workdir: Path,
    slides_dir: Path,
    *,
    ready_path: str,
    setup: list[list[str]],
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Migrate a fresh SQLite file in `workdir`, run each `manage.py` command in `setup`,
    start Daphne on a free port and yield its base URL (no trailing slash) once
    `ready_path` answers 200. The process is stopped on exit."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings",
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
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(process, url + ready_path, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
            pytest.fail(f"the server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"the server did not answer within {START_TIMEOUT} s:\n{log_path.read_text()}")
