"""What the running studio writes to its log: no password, session ID or share token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.base import demo_slides_dir_or_skip
from tests.live_server import live_server

USERNAME = "lims"
PASSWORD = "lims-password-not-in-logs"
LINK_PASSWORD = "link-password-not-in-logs"
SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"


@pytest.fixture(scope="module")
def studio(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    slides = demo_slides_dir_or_skip(request)
    workdir = tmp_path_factory.mktemp("access-log")
    setup = [["ensure_demo_user", USERNAME, PASSWORD]]
    with live_server(workdir, slides, ready_path="/login/", setup=setup) as url:
        yield url, workdir / "daphne.log"


def test_the_log_keeps_no_secret_of_the_pma_core_api_or_share_links(
    studio: tuple[str, Path],
) -> None:
    url, log = studio
    login = requests.get(
        f"{url}/core/api/json/Authenticate",
        params={"username": USERNAME, "password": PASSWORD},
        timeout=30,
    ).json()
    session_id = login["SessionId"]
    assert session_id
    requests.get(
        f"{url}/core/api/json/GetRootDirectories", params={"sessionID": session_id}, timeout=30
    ).raise_for_status()
    share_url = requests.get(
        f"{url}/API/Share/CreateLinkForSlide",
        params={"sessionID": session_id, "pathOrUid": SLIDE, "password": LINK_PASSWORD},
        timeout=30,
    ).json()
    token = share_url.rstrip("/").rsplit("/", 1)[-1]
    assert requests.get(share_url, timeout=30, allow_redirects=False).status_code == 302
    # A refusal Django itself logs ("Not Found: /s/...").
    assert requests.get(f"{share_url}nothing-here", timeout=30).status_code == 404

    text = log.read_text()
    assert "Authenticate?username=lims&password=[redacted]" in text
    assert "GetRootDirectories?sessionID=[redacted]" in text
    assert "Not Found" in text
    for secret in (PASSWORD, LINK_PASSWORD, session_id, token):
        assert secret not in text, secret
