"""Share passwords against parallel guessing: a real server, real concurrent requests."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from studio.lib.throttle import SHARE_UNLOCK
from tests.base import demo_slides_dir_or_skip
from tests.live_server import live_server

TOKEN = "r" * 43
PASSWORD = "the-right-one"
GUESSES = 30
SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"
CREATE_SHARE = f"""
from django.contrib.auth import get_user_model
from sharing.models import Share
owner = get_user_model().objects.create_user("owner", password="owner-password-1")
share = Share(owner=owner, kind="slide", path="{SLIDE}", token="{TOKEN}")
share.set_password("{PASSWORD}")
share.save()
"""


@pytest.fixture(scope="module")
def studio_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    slides = demo_slides_dir_or_skip(request)
    workdir: Path = tmp_path_factory.mktemp("unlock-race")
    setup = [["shell", "-c", CREATE_SHARE]]
    with live_server(workdir, slides, ready_path="/login/", setup=setup) as url:
        yield url


def _ready_client(url: str) -> tuple[requests.Session, str]:
    """A browser-like client holding a CSRF cookie and the form's token."""
    client = requests.Session()
    page = client.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    return client, token.group(1)


def test_parallel_guesses_are_counted_before_they_are_judged(studio_url: str) -> None:
    url = f"{studio_url}/s/{TOKEN}/password/"
    clients = [_ready_client(url) for _ in range(GUESSES + 1)]
    start = threading.Barrier(GUESSES)

    def post(index: int, password: str) -> int:
        client, csrf = clients[index]
        response = client.post(
            url,
            data={"password": password, "csrfmiddlewaretoken": csrf},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=120,
        )
        return response.status_code

    def guess(index: int) -> int:
        start.wait()
        return post(index, f"wrong-{index}")

    with ThreadPoolExecutor(GUESSES) as pool:
        statuses = Counter(pool.map(guess, range(GUESSES)))

    # Only the first few guesses were checked at all; the rest were refused unchecked.
    assert statuses[403] <= SHARE_UNLOCK.max_attempts, statuses
    assert statuses[429] >= GUESSES - SHARE_UNLOCK.max_attempts, statuses
    assert set(statuses) <= {403, 429}, statuses
    # And the link stays locked for this address, even for the right password.
    assert post(GUESSES, PASSWORD) == 429
