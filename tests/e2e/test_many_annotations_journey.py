"""A slide with many annotations (an AI result): at the whole-slide view the viewer shows
them as one picture rather than as hundreds of shapes; the panel lists them a page at a
time; a click in the panel flies to one, where the shapes themselves come back to be
selected."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"
COUNT = 450  # more than annotation-view.js draws as shapes (DETAIL_LIMIT)


def test_many_annotations_show_as_one_picture_until_zoomed_in(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-4]
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    squares = [
        {
            "geometry": f"POLYGON (({x} {y}, {x + 20} {y}, {x + 20} {y + 20}, {x} {y}))",
            "classification": "Cell",
        }
        for x in range(100, 100 + 40 * 15, 40)
        for y in range(100, 100 + 40 * (COUNT // 15), 40)
    ]
    added = live_studio.post(page, f"/annotations/?slide={quote(slide)}", data={"added": squares})
    assert added.status == 201, added.text()
    ids = added.json()["ids"]
    try:
        page.reload()
        viewer = page.locator(f"{CELL} [data-annotations='ready']")
        viewer.wait_for(timeout=TIMEOUT_MS)
        expect(viewer).to_have_attribute("data-annotations-mode", "overview")
        expect(page.locator(f"{CELL} canvas.annotation-overview")).to_have_count(1)

        page.locator(".dock .dv-tab", has_text="Annotations").first.click()
        cells = page.locator(".panel-annotations .annotation-class", has_text="Cell")
        expect(cells.locator(".count")).to_have_text(str(COUNT), timeout=TIMEOUT_MS)
        expect(cells.locator("[data-annotation-id]")).to_have_count(100)
        cells.get_by_role("button", name=f"Show {COUNT - 100} more").click()
        expect(cells.locator("[data-annotation-id]")).to_have_count(200)

        cells.locator("[data-annotation-focus]").first.click()
        expect(viewer).to_have_attribute("data-annotations-mode", "detail", timeout=TIMEOUT_MS)
        expect(page.locator(f"{CELL} canvas.annotation-overview")).to_have_count(0)
    finally:
        for annotation_id in ids:
            live_studio.delete_annotation(page, slide, annotation_id)
