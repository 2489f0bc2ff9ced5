"""README's nginx example, as written there, in front of two studio processes on ports of
their own (as on two machines) sharing PostgreSQL and Redis: logins, pages, tiles and a live
session's WebSocket pass through it, and both processes answer. Run by tests/scale_out.py,
which provides the engines.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live_server import BASE_DIR, live_process
from tests.nginx import Nginx
from tests.scale_out import redis
from tests.studio.test_collaboration_daphne import (
    COLLEAGUE,
    CREATE,
    OWNER,
    PASSWORD,
    session_cookie,
)
from tests.studio.test_several_processes import bytes_written, fresh_database
from tests.studio.websocket_client import Client
from tileserver import engine

pytestmark = [pytest.mark.scale_out, pytest.mark.django_db]


def readme_example(upstreams: list[int], port: int) -> str:
    """The nginx configuration README's "Scaling out" shows, with this machine's addresses."""
    readme = (BASE_DIR / "README.md").read_text()
    found = re.search(r"```nginx\n(.*?)```", readme, re.DOTALL)
    assert found, "README shows no nginx example"
    config = re.sub(r"^ *server 10\.0\.0\.\d+:8000;.*\n", "", found[1], flags=re.MULTILINE)
    servers = "".join(f"    server 127.0.0.1:{upstream};\n" for upstream in upstreams)
    config = config.replace("upstream studio {\n", "upstream studio {\n" + servers)
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    assert "10.0.0." not in config and "443" not in config, config
    return config


@pytest.fixture(scope="module")
def front(demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (Debian's nginx-light: `make engines`)")
    workdir = tmp_path_factory.mktemp("behind-nginx")
    with redis() as redis_url:
        shared = {
            "REDIS_URL": redis_url,
            "DATABASE_URL": fresh_database(os.environ["DATABASE_URL"], "behind_nginx"),
            "SECRET_KEY": "two-machines-share-one-secret-key-for-their-sessions",
        }
        setup = [
            ["ensure_demo_user", OWNER, PASSWORD],
            ["ensure_demo_user", COLLEAGUE, PASSWORD],
            ["shell", "-c", CREATE],
        ]
        (workdir / "a").mkdir()
        (workdir / "b").mkdir()
        with (
            live_process(
                workdir / "a", demo_slides_dir, ready_path="/login/", setup=setup, extra_env=shared
            ) as a,
            live_process(
                workdir / "b", demo_slides_dir, ready_path="/login/", setup=[], extra_env=shared
            ) as b,
        ):
            nginx = Nginx(lambda port, _: readme_example([a.port, b.port], port), "/login/")
            try:
                yield {"url": f"http://127.0.0.1:{nginx.port}", "studios": [a, b]}
            finally:
                nginx.stop()


def test_pages_and_tiles_pass_through_and_both_processes_answer(front: dict) -> None:
    url = front["url"]
    pids = [studio.process.pid for studio in front["studios"]]
    http = requests.Session()
    http.headers["Cookie"] = session_cookie(url, OWNER)
    slide = engine.find_slides("", ".svs")[0]
    fingerprint = engine.fingerprint(slide)
    before = {pid: bytes_written(pid) for pid in pids}
    for number in range(20):
        browse = http.get(url + "/browse/", timeout=10, allow_redirects=False)
        assert browse.status_code == 200, f"request {number}: the session was not found"
        tile = http.get(f"{url}/tiles/{fingerprint}/0/0_0.jpg", params={"slide": slide}, timeout=10)
        assert (tile.status_code, tile.headers["Content-Type"]) == (200, "image/jpeg"), number
    assert all(bytes_written(pid) > before[pid] for pid in pids), "one process answered all"


async def test_a_live_session_works_through_it(front: dict) -> None:
    url = front["url"]
    socket_url = url.replace("http://", "ws://") + "/ws/collaboration/board/"
    owner = await Client.connect(socket_url, origin=url, cookie=session_cookie(url, OWNER))
    colleague = await Client.connect(socket_url, origin=url, cookie=session_cookie(url, COLLEAGUE))
    try:
        state = await colleague.receive_type("state")
        assert {p["nickname"] for p in state["participants"]} == {OWNER, COLLEAGUE}
        await owner.send(
            {"type": "viewport", "slide": "Demo/a.svs", "center": [0.5, 0.5], "zoom": 4}
        )
        moved = await colleague.receive_type("viewport")
        assert (moved["center"], moved["zoom"]) == ([0.5, 0.5], 4)
        await colleague.send({"type": "chat", "text": "through the load balancer"})
        assert (await owner.receive_type("chat"))["text"] == "through the load balancer"
    finally:
        await owner.close()
        await colleague.close()
