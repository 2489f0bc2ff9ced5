"""The integrator API with a session ID from the real pma_python SDK, on a live server."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from pma_python import core

from tests.live_server import LiveTileServer


@pytest.fixture
def sdk_session(live_tile_server: LiveTileServer) -> Iterator[str]:
    session_id = core.connect(
        live_tile_server.url, live_tile_server.username, live_tile_server.password
    )
    assert isinstance(session_id, str) and session_id
    yield session_id
    core.disconnect(session_id)


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_a_link_created_with_the_sdks_session_opens(
    live_tile_server: LiveTileServer, sdk_session: str
) -> None:
    folder = core.get_first_non_empty_directory(sessionID=sdk_session)
    slide = core.get_slides(folder, sessionID=sdk_session)[0]
    studio = live_tile_server.url.removesuffix("core/")
    query = urllib.parse.urlencode({"sessionID": sdk_session, "pathOrUid": slide})
    status, body = get(f"{studio}API/Share/CreateLinkForSlide?{query}")
    assert status == 200
    url = json.loads(body)
    assert isinstance(url, str)
    assert url.startswith(f"{studio}s/") and url.endswith("/")
    assert slide not in url
    status, page = get(url)
    assert status == 200
    assert b'data-kind="slide"' in page
