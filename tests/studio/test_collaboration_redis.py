"""A live session across two studio processes that share a real Redis (channel layer and
cache) and one database: a driver on one process moves a follower on the other."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import live_process
from tests.scale_out import redis
from tests.studio.test_collaboration_daphne import (
    COLLEAGUE,
    CREATE,
    OWNER,
    PASSWORD,
    session_cookie,
)
from tests.studio.websocket_client import Client


@pytest.fixture(scope="module")
def two_studios(
    demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian's redis-server package)")
    workdir = tmp_path_factory.mktemp("two-studios")
    with redis() as redis_url:
        shared = {
            "REDIS_URL": redis_url,
            "DATABASE_URL": f"sqlite:///{workdir / 'shared.sqlite3'}",
            "SECRET_KEY": "two-studios-share-one-secret-key-for-their-sessions",
        }
        setup = [
            ["ensure_demo_user", OWNER, PASSWORD],
            ["ensure_demo_user", COLLEAGUE, PASSWORD],
            ["shell", "-c", CREATE],
        ]
        first_dir, second_dir = workdir / "first", workdir / "second"
        first_dir.mkdir()
        second_dir.mkdir()
        with (
            live_process(
                first_dir, demo_slides_dir, ready_path="/login/", setup=setup, extra_env=shared
            ) as first,
            live_process(
                second_dir, demo_slides_dir, ready_path="/login/", setup=[], extra_env=shared
            ) as second,
        ):
            yield first.url, second.url


async def test_a_driver_on_one_process_moves_a_follower_on_the_other(
    two_studios: tuple[str, str],
) -> None:
    first, second = two_studios
    path = "/ws/collaboration/board/"
    driver = await Client.connect(
        first.replace("http://", "ws://") + path, origin=first, cookie=session_cookie(first, OWNER)
    )
    follower = await Client.connect(
        second.replace("http://", "ws://") + path,
        origin=second,
        cookie=session_cookie(second, COLLEAGUE),
    )
    try:
        state = await follower.receive_type("state")
        assert {p["nickname"] for p in state["participants"]} == {OWNER, COLLEAGUE}
        await driver.send(
            {"type": "viewport", "slide": "Demo/a.svs", "center": [0.75, 0.25], "zoom": 8}
        )
        moved = await follower.receive_type("viewport")
        assert (moved["center"], moved["zoom"]) == ([0.75, 0.25], 8)
        await follower.send({"type": "chat", "text": "seen from the other process"})
        assert (await driver.receive_type("chat"))["text"] == "seen from the other process"
    finally:
        await driver.close()
        await follower.close()
