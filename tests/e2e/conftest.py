"""A real studio (Daphne, its own SQLite file, the demo slides) and Debian's chromium."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import APIResponse, Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests import remote_users
from tests.base import demo_slides_dir_or_skip
from tests.live_server import LiveTileServer, live_server

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USERNAME = "journey"
PASSWORD = "journey-through-slides"
# A second person, for journeys with two (live sessions); same password.
COLLEAGUE = "colleague"


@dataclass(frozen=True)
class LiveStudio:
    url: str  # ends without a slash
    username: str
    password: str
    slides_dir: Path

    def login(self, page: Page, next_path: str = "/", username: str = "") -> None:
        """Log in (as the journey's user, or `username`) through the login form and wait
        until `next_path` has loaded."""
        page.goto(f"{self.url}/login/?next={next_path}")
        page.get_by_label("Username").fill(username or self.username)
        page.get_by_label("Password").fill(self.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(self.url + next_path)

    def post(self, page: Page, path: str, **kwargs: Any) -> APIResponse:
        """POST from the logged-in page's session, with its CSRF token, as its scripts do."""
        token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
        headers = {"X-CSRFToken": token, "Referer": f"{self.url}/"}
        return page.request.post(f"{self.url}{path}", headers=headers, **kwargs)

    def add_annotation(self, page: Page, slide: str, geometry: str, classification: str) -> int:
        added = self.post(
            page,
            f"/annotations/?slide={slide}",
            data={"added": [{"geometry": geometry, "classification": classification}]},
        )
        assert added.status == 201, added.text()
        return int(added.json()["ids"][0])

    def delete_annotation(self, page: Page, slide: str, annotation_id: int) -> None:
        self.post(page, f"/annotations/{annotation_id}/delete/?slide={slide}")


@pytest.fixture(scope="session")
def live_studio(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    remote_tile_server: LiveTileServer | None,
) -> Iterator[LiveStudio]:
    """The studio in a process of its own; in a remote run, pointed at the remote tile
    server, where the journey's user exists too (their login is checked there; the local
    account, an admin, is what a studio admin promotes a shadow user to)."""
    demo_slides_dir = demo_slides_dir_or_skip(request)
    workdir = tmp_path_factory.mktemp("live-studio")
    setup = [["ensure_demo_user", USERNAME, PASSWORD], ["ensure_demo_user", COLLEAGUE, PASSWORD]]
    env: dict[str, str] = {}
    if remote_tile_server is not None:
        journey_user = get_user_model()(username=USERNAME, email="journey@example.org")
        remote_users.create(journey_user, PASSWORD, remote_tile_server)
        colleague = get_user_model()(username=COLLEAGUE, email="colleague@example.org")
        remote_users.create(colleague, PASSWORD, remote_tile_server)
        env = {
            "TILE_SERVER_URL": remote_tile_server.url,
            "TILE_SERVER_SERVICE_USERNAME": remote_tile_server.username,
            "TILE_SERVER_SERVICE_PASSWORD": remote_tile_server.password,
        }
    with live_server(
        workdir, demo_slides_dir, ready_path="/login/", setup=setup, extra_env=env
    ) as url:
        yield LiveStudio(url, USERNAME, PASSWORD, demo_slides_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page (own cookies) in a 1400x900 window; prints the console if the test fails."""
    # Playwright's wait_for_function evaluates strings, which the studio's CSP forbids;
    # test_csp_journey.py opens the pages with the policy in force.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(_describe(message)))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        print("browser console:\n" + "\n".join(console))
        with contextlib.suppress(PlaywrightError):  # a crashed page has no state to show
            print("studioErrors:", page.evaluate("window.studioErrors ?? null"))
    context.close()


def _describe(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    # Lets fixtures see whether the test failed (to dump the browser console then).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
