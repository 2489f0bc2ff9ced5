"""A pathologist draws a rectangle on a slide: it is saved by the tile server, listed in the
annotations panel with its area, and still there after a reload."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"


def test_a_drawn_rectangle_is_saved_listed_and_kept(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-1]  # a slide no other journey annotates
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    before = page.request.get(f"{live_studio.url}/annotations/?slide={quote(slide)}").json()
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(f"{r.method} {r.url}") if "/annotations/" in r.url else None,
    )

    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()
    ribbon.get_by_role("button", name="Rectangle").click()
    box = page.locator(CELL).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/annotations/" in r.url
    ) as saved:
        page.mouse.click(x - 60, y - 40)
        page.mouse.move(x + 60, y + 40, steps=5)
        page.mouse.click(x + 60, y + 40)
    assert saved.value.ok

    after = page.request.get(f"{live_studio.url}/annotations/?slide={quote(slide)}").json()
    assert len(after["annotations"]) == len(before["annotations"]) + 1
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    panel = page.locator(".panel-annotations")
    panel.locator(".annotation-item").first.wait_for(timeout=TIMEOUT_MS)
    assert "µm²" in panel.inner_text()
    # Only the one save went out: the drawn shape's own id is never "deleted" on the server.
    assert not [line for line in sent if line.startswith("POST") and "/delete/" in line]

    page.reload()
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    page.locator(".panel-annotations .annotation-item").first.wait_for(timeout=TIMEOUT_MS)
    count = page.locator(".panel-annotations .annotation-item").count()
    assert count == len(after["annotations"])


def test_a_polygon_closes_on_its_first_point_and_is_saved_as_one(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-2]
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    url = f"{live_studio.url}/annotations/?slide={quote(slide)}"
    before = len(page.request.get(url).json()["annotations"])
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()
    ribbon.get_by_role("button", name="Polygon").click()
    box = page.locator(CELL).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(x - 50, y - 50), (x + 60, y - 40), (x + 40, y + 50), (x - 40, y + 30)]
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/annotations/" in r.url
    ) as saved:
        for corner in [*corners, corners[0]]:
            page.mouse.click(*corner)
    assert saved.value.ok
    shapes = page.request.get(url).json()["annotations"]
    assert len(shapes) == before + 1
    assert shapes[-1]["geometry"].startswith("POLYGON")
