"""`manage.py serve --workers 2` on PostgreSQL and Redis: one studio, several processes.

A user logs in once and every later request, on a fresh connection each (so the kernel
spreads them over both processes), finds the same session, slides and tiles. Run by
tests/scale_out.py, which provides the engines.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests.live_server import BASE_DIR, _free_port
from tileserver import engine

pytestmark = [pytest.mark.scale_out, pytest.mark.django_db]

USERNAME, PASSWORD = "several", "several-processes-42"
START_TIMEOUT = 60.0


def fresh_database(database_url: str, name: str) -> str:
    """A new, empty database on the test run's PostgreSQL server."""
    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def bytes_written(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/<pid>/io")


@pytest.fixture
def studio(demo_slides_dir: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "DATABASE_URL": fresh_database(os.environ["DATABASE_URL"], "several_processes"),
        # Its own Redis database: the tests' cache.clear() must not reach it.
        "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/1",
        "SLIDES_DIR": str(demo_slides_dir),
        "VAR_DIR": str(tmp_path),
        "TILE_SERVER_URL": "",
        "DEBUG": "true",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["ensure_demo_user", USERNAME, PASSWORD]):
        subprocess.run([*manage, *command], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    port = _free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [*manage, "serve", "--workers", "2", "--port", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if requests.get(url + "/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text())
            time.sleep(0.2)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_process_knows_the_logged_in_user(
    studio: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, server = studio
    workers = children(server.pid)
    assert len(workers) == 2
    http = requests.Session()
    http.headers["Connection"] = "close"  # a new connection, so any process, each time
    page = http.get(url + "/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    login = http.post(
        url + "/login/",
        data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": url + "/login/"},
        timeout=10,
    )
    assert login.status_code == 200 and login.url == url + "/"

    slide = engine.find_slides("", ".svs")[0]
    fingerprint = engine.fingerprint(slide)
    before = {pid: bytes_written(pid) for pid in workers}
    for number in range(40):
        browse = http.get(url + "/browse/", timeout=10, allow_redirects=False)
        assert browse.status_code == 200, "the session was not found in this process"
        tile = http.get(f"{url}/tiles/{fingerprint}/0/0_0.jpg", params={"slide": slide}, timeout=10)
        assert (tile.status_code, tile.headers["Content-Type"]) == (200, "image/jpeg"), number
    # Both processes answered some of them.
    assert all(bytes_written(pid) > before[pid] for pid in workers)


def test_a_worker_that_dies_is_replaced_and_the_log_says_so(
    studio: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    url, server = studio
    first, second = children(server.pid)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        workers = children(server.pid)
        if len(workers) == 2 and first not in workers:
            break
        assert time.monotonic() < deadline, f"still {workers}"
        time.sleep(0.1)
    assert second in workers
    log = (tmp_path / "serve.log").read_text()
    assert f"(pid {first}) exited with code -9; starting a new one" in log
    # The new worker takes its share of connections, and every request is answered.
    (replacement,) = set(workers) - {second}
    before = bytes_written(replacement)
    for _ in range(20):
        answer = requests.get(url + "/login/", headers={"Connection": "close"}, timeout=10)
        assert answer.status_code == 200
    assert bytes_written(replacement) > before
