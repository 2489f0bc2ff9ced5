"""A live session over a real Daphne process: two browsers' worth of sockets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live_server import live_server
from tests.studio.websocket_client import Client

OWNER, COLLEAGUE, PASSWORD = "live-owner", "live-colleague", "live-session-42"
CREATE = (
    "from django.contrib.auth import get_user_model; "
    "from studio.collaboration.actions import create_session; "
    f"create_session(get_user_model().objects.get(username='{OWNER}'), name='board')"
)


@pytest.fixture(scope="module")
def studio(demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    setup = [
        ["ensure_demo_user", OWNER, PASSWORD],
        ["ensure_demo_user", COLLEAGUE, PASSWORD],
        ["shell", "-c", CREATE],
    ]
    with live_server(
        tmp_path_factory.mktemp("live-session"), demo_slides_dir, ready_path="/login/", setup=setup
    ) as url:
        yield url


def session_cookie(url: str, username: str) -> str:
    http = requests.Session()
    page = http.get(url + "/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    http.post(
        url + "/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": url + "/login/"},
        timeout=10,
    )
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


async def test_the_driver_moves_a_follower_and_chat_arrives(studio: str) -> None:
    ws_url = studio.replace("http://", "ws://") + "/ws/collaboration/board/"
    driver = await Client.connect(ws_url, origin=studio, cookie=session_cookie(studio, OWNER))
    follower = await Client.connect(ws_url, origin=studio, cookie=session_cookie(studio, COLLEAGUE))
    try:
        state = await follower.receive_type("state")
        assert state["you"]["nickname"] == COLLEAGUE
        await driver.send(
            {"type": "viewport", "slide": "Demo/a.svs", "center": [0.25, 0.5], "zoom": 4}
        )
        moved = await follower.receive_type("viewport")
        assert (moved["center"], moved["zoom"]) == ([0.25, 0.5], 4)
        await follower.send({"type": "chat", "text": "following"})
        chat = await driver.receive_type("chat")
        assert (chat["text"], chat["sender"]["nickname"]) == ("following", COLLEAGUE)
    finally:
        await driver.close()
        await follower.close()
