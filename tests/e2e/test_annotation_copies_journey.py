"""Annotations → Identical copies opens the annotations panel's list of what was marked on
copies of the slide elsewhere (the demo slides have none, and the panel says so)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser
SLIDE = "demo/breast/CASE-001/CASE-001-A2.svs"
CELL = ".viewer-cell[data-cell='0']"


def test_the_ribbon_button_opens_the_copies_section(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    live_studio.login(page, f"/?slide={SLIDE}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=30_000)
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()
    button = ribbon.get_by_role("button", name="Identical copies")
    if not button.is_visible():  # the Data group folds into a menu on narrow windows
        ribbon.get_by_role("button", name="Data").click()
    with page.expect_response(lambda r: "/panels/annotations/copies/" in r.url) as loaded:
        button.click()
    assert loaded.value.status == 200
    section = page.locator(".panel-annotations [data-annotation-copies]")
    expect(section).to_have_attribute("open", "")
    expect(section).to_contain_text("No annotations on identical copies of this slide elsewhere")
