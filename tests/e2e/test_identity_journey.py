"""A pathologist reads labels in the slide browser and finds a slide by its barcode."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000


def test_the_browser_shows_labels_and_finds_a_slide_by_barcode(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    live_studio.login(page)
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    page.goto(f"{live_studio.url}/panels/browser/?folder=demo/breast/CASE-001")
    label = page.locator("img.slide-label").first
    label.wait_for(timeout=TIMEOUT_MS)
    labels_loaded = (
        "[...document.querySelectorAll('img.slide-label')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    page.wait_for_function(labels_loaded, timeout=TIMEOUT_MS)
    assert page.locator(".slide-barcode", has_text="CASE-001-A1").count() == 1

    page.fill("input[name=q]", "case-002-b1")
    page.press("input[name=q]", "Enter")
    page.locator(".panel-browser-status", has_text="matching").wait_for(timeout=TIMEOUT_MS)
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "browser-search.png"))
    assert page.locator("a.slide").count() == 0, "case-002-b1 is outside CASE-001"

    page.goto(f"{live_studio.url}/panels/browser/?folder=&q=case-002-b1")
    page.locator("a.slide .slide-barcode", has_text="CASE-002-B1").wait_for(timeout=TIMEOUT_MS)
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "browser-found.png"))
