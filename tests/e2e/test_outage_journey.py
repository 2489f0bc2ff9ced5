"""A pathologist works while the remote tile server goes away and comes back: the viewer and
the panels say which server is missing, keep the selection, and recover on their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from tests import remote_users
from tests.base import demo_slides_dir_or_skip
from tests.e2e.conftest import PASSWORD, USERNAME, LiveStudio
from tests.live_server import LiveTileServer, live_server, live_tile_server_process

pytestmark = [pytest.mark.browser, pytest.mark.own_tile_server]

TIMEOUT_MS = 30_000
VIEWER_CELL = ".viewer-cell[data-cell='0']"


@pytest.fixture(scope="module")
def tile_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveTileServer]:
    """A tile server of this journey's own: it is stopped and started again."""
    slides = demo_slides_dir_or_skip(request)
    with live_tile_server_process(tmp_path_factory.mktemp("outage-tiles"), slides) as server:
        user = get_user_model()(username=USERNAME, email="journey@example.org")
        remote_users.create(user, PASSWORD, server)
        yield server


@pytest.fixture(scope="module")
def studio(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tile_server: LiveTileServer,
) -> Iterator[LiveStudio]:
    slides = demo_slides_dir_or_skip(request)
    env = {
        "TILE_SERVER_URL": tile_server.url,
        "TILE_SERVER_SERVICE_USERNAME": tile_server.username,
        "TILE_SERVER_SERVICE_PASSWORD": tile_server.password,
        "TILE_SERVER_CONNECT_TIMEOUT": "1",
    }
    workdir = tmp_path_factory.mktemp("outage-studio")
    with live_server(workdir, slides, ready_path="/login/", setup=[], extra_env=env) as url:
        yield LiveStudio(url, USERNAME, PASSWORD, slides)


def slides_of(slides_dir: Path) -> list[str]:
    return sorted(p.relative_to(slides_dir).as_posix() for p in slides_dir.rglob("*.svs"))


def test_the_cockpit_names_the_missing_tile_server_and_recovers(
    browser_page: Page, studio: LiveStudio, tile_server: LiveTileServer
) -> None:
    page = browser_page
    # The second slide lies in another folder: the slide browser shows the first one's
    # folder with label images, whose requests would already have fetched its neighbours'
    # slide info.
    slides = slides_of(studio.slides_dir)
    first, second = slides[0], slides[-1]
    assert first.rsplit("/", 1)[0] != second.rsplit("/", 1)[0]
    studio.login(page)
    page.goto(f"{studio.url}/?slide={first}")
    page.locator(f"{VIEWER_CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)

    tile_server.process.stop()
    try:
        host = tile_server.url.split("/")[2]
        page.goto(f"{studio.url}/?slide={second}")
        banner = page.locator(f"{VIEWER_CELL} .banner-error")
        banner.wait_for(timeout=TIMEOUT_MS)
        assert f"the tile server at {host} cannot be reached" in banner.inner_text()
        page.locator(".dock .dv-tab", has_text="Slide info").first.click()
        info = page.locator(".panel-unreadable[hx-get*='/panels/info/']")
        info.wait_for(timeout=TIMEOUT_MS)
        assert f"the tile server at {host}" in info.inner_text()
    finally:
        tile_server.process.start()

    # Back on its own: the slide the user picked opens, the panels fill in, no new login.
    page.locator(f"{VIEWER_CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(f"{VIEWER_CELL} .banner-error").is_hidden()
    name = second.rsplit("/", 1)[-1]
    page.locator(".panel-info .panel-heading", has_text=name).wait_for(timeout=TIMEOUT_MS)
    assert page.url.endswith(f"?slide={second}")


def share_url(page: Page, studio: LiveStudio, slide: str) -> str:
    """A share link to `slide`, made as a LIMS makes one: the integrator API."""
    login = page.request.post(
        f"{studio.url}/core/api/json/authenticate",
        data={"username": USERNAME, "password": PASSWORD, "caller": "journey"},
    ).json()
    link = page.request.get(
        f"{studio.url}/API/Share/CreateLinkForSlide",
        params={"sessionID": login["SessionId"], "pathOrUid": slide},
    )
    assert link.ok, link.text()
    return link.json()


@pytest.mark.parametrize("where", ["viewer page", "share page"])
def test_an_open_viewer_says_tiles_cannot_be_loaded_and_recovers(
    browser_page: Page, studio: LiveStudio, tile_server: LiveTileServer, where: str
) -> None:
    page = browser_page
    slide = slides_of(studio.slides_dir)[-1]
    studio.login(page)
    url = (
        f"{studio.url}/viewer/?slide={slide}"
        if where == "viewer page"
        else share_url(page, studio, slide)
    )
    page.goto(url)
    page.wait_for_function("window.studioReady === true", timeout=TIMEOUT_MS)
    banner = page.locator(".viewer-banner")
    zoom_in = page.locator(".viewer-toolbar [data-action='zoom-in']").first

    tile_server.process.stop()
    try:
        host = tile_server.url.split("/")[2]
        for _ in range(3):  # tiles it has not seen yet
            zoom_in.click()
        banner.wait_for(timeout=TIMEOUT_MS)
        assert "Tiles can't be loaded right now" in banner.inner_text()
        assert f"the tile server at {host} cannot be reached" in banner.inner_text()
    finally:
        tile_server.process.start()

    # Back on its own, where the user was: the banner goes and the missing tiles come.
    with page.expect_response(lambda r: "/tiles/" in r.url and r.status == 200):
        banner.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert page.url == url
