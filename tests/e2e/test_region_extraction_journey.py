"""A pathologist extracts an annotated region from the annotations panel and opens it."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveStudio
from tests.live_server import LiveTileServer

pytestmark = pytest.mark.browser
SLIDE = "demo/breast/CASE-001/CASE-001-A2.svs"
SQUARE = "POLYGON ((200 200, 712 200, 712 456, 200 456, 200 200))"
CELL = ".viewer-cell[data-cell='0']"


def test_extract_a_region_and_open_it(
    browser_page: Page, live_studio: LiveStudio, remote_tile_server: LiveTileServer | None
) -> None:
    page = browser_page
    live_studio.login(page)
    annotation_id = live_studio.add_annotation(page, SLIDE, SQUARE, "Tumor")
    try:
        page.goto(f"{live_studio.url}/?slide={SLIDE}")
        page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=30_000)
        page.locator(".dock .dv-tab", has_text="Annotations").first.click()
        entry = page.locator(f".panel-annotations [data-annotation-id='{annotation_id}']")
        entry.get_by_role("button", name="Extract").click()
        status = page.locator(".panel-annotations [data-region-status]")
        if remote_tile_server is not None:
            # A PMA.core has no such call: the panel says where extraction happens.
            expect(status).to_contain_text("Region extraction is done where the slides are")
            return
        expect(status).to_contain_text("Extracted:", timeout=60_000)
        name = f"CASE-001-A2-annotation-{annotation_id}.svs"
        expect(status.get_by_role("link")).to_have_text(name)
        status.get_by_role("link").click()
        page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=30_000)
        assert page.url.endswith(f"regions%2Fdemo%2Fbreast%2FCASE-001%2F{name}")
    finally:
        live_studio.delete_annotation(page, SLIDE, annotation_id)
        shutil.rmtree(live_studio.slides_dir / "regions", ignore_errors=True)
