"""A real studio (Daphne, its own SQLite file, the demo slides) and Debian's chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.base import demo_slides_dir_or_skip

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
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class LiveStudio:
    url: str  # ends without a slash
    username: str
    password: str
    slides_dir: Path

    def login(self, page: Page, next_path: str = "/") -> None:
        """Log in through the login form and wait until `next_path` has loaded."""
        page.goto(f"{self.url}/login/?next={next_path}")
        page.get_by_label("Username").fill(self.username)
        page.get_by_label("Password").fill(self.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(self.url + next_path)


@pytest.fixture(scope="session")
def live_studio(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStudio]:
    demo_slides_dir = demo_slides_dir_or_skip(request)
    workdir = tmp_path_factory.mktemp("live-studio")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings",
        "SLIDES_DIR": str(demo_slides_dir),
        "DATABASE_URL": f"sqlite:///{workdir / 'studio.sqlite3'}",
        "VAR_DIR": str(workdir),
        "TILE_SERVER_URL": "",
        "REDIS_URL": "",
        "DEBUG": "true",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "ensure_demo_user", USERNAME, PASSWORD)
    port = _free_port()
    log_path = workdir / "daphne.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [_daphne(), "-b", "127.0.0.1", "-p", str(port), "studio.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(process, url + "/login/", log_path)
        yield LiveStudio(url, USERNAME, PASSWORD, demo_slides_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(_describe(message)))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        print("browser console:\n" + "\n".join(console))
    context.close()


def _describe(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    # Lets fixtures see whether the test failed (to dump the browser console then).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True
    )


def _daphne() -> str:
    beside_python = Path(sys.executable).with_name("daphne")
    return str(beside_python) if beside_python.exists() else "daphne"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the studio exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"the studio did not answer within {START_TIMEOUT} s:\n{log_path.read_text()}")
