"""Two studio processes change the same live session's state at the same instant, through
one real Redis: every participant and every key of shared data is kept (the cache's
read-modify-writes run under a lock, studio/lib/cache_lock.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from studio.collaboration import state
from tests.scale_out import redis

EACH = 100  # per process: joins, and keys of shared data (two processes: MAX_DATA_KEYS)
START_DELAY = 3.0  # seconds for both processes to start and be waiting at the same instant
SESSION = "race"

CHANGE = """
import asyncio, os, time
from studio.collaboration import state

async def main(tag, start_at, each):
    await asyncio.sleep(max(0.0, start_at - time.time()))

    async def one(k):
        name = f"{tag}-{k}"
        person = {"id": name, "nickname": name, "owner": False, "guest": True}
        await state.join("race", name, person)
        assert await state.merge_data("race", {name: k}) is not None

    await asyncio.gather(*(one(k) for k in range(each)))

env = os.environ
asyncio.run(main(env["RACE_TAG"], float(env["RACE_START"]), int(env["RACE_EACH"])))
"""

READ = """
import asyncio, json
from studio.collaboration import state

snapshot = asyncio.run(state.snapshot("race"))
people = [p["id"] for p in snapshot["participants"]]
print(json.dumps({"people": people, "data": sorted(snapshot["data"])}))
"""


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian's redis-server package)")
    with redis() as url:
        yield url


def manage(script: str, redis_url: str, tmp_path: Path, **extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "race-test-secret-key-that-is-long-enough-for-django",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "studio.settings",
        **extra,
    }
    command = [sys.executable, "manage.py", "shell", "-c", script]
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    )


def test_two_processes_changing_a_session_at_once_lose_nothing(
    redis_url: str, tmp_path: Path
) -> None:
    assert 2 * EACH <= state.MAX_DATA_KEYS
    start = str(time.time() + START_DELAY)
    writers = [
        manage(CHANGE, redis_url, tmp_path, RACE_TAG=tag, RACE_START=start, RACE_EACH=str(EACH))
        for tag in ("first", "second")
    ]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    reader = manage(READ, redis_url, tmp_path)
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    found = json.loads(out.strip().splitlines()[-1])
    expected = sorted(f"{tag}-{k}" for tag in ("first", "second") for k in range(EACH))
    assert sorted(found["people"]) == expected
    assert found["data"] == expected
