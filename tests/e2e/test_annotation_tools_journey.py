"""A pathologist draws each kind of shape (ellipse, line, freehand outline, point): the tile
server stores it as WKT, and the annotations panel lists it with its measure. Undo and
redo (buttons and Ctrl+Z / Ctrl+Shift+Z) act on the tile server too."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"


def _slides(live_studio: LiveStudio) -> list[str]:
    return sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )


def _open(page: Page, live_studio: LiveStudio, slide: str) -> Callable[[], list[dict[str, Any]]]:
    """Opens the cockpit on `slide` with the Annotations tab shown; returns a reader of the
    slide's annotations as the tile server has them."""
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("navigation", name="Ribbon").get_by_role("tab", name="Annotations").click()
    url = f"{live_studio.url}/annotations/?slide={quote(slide)}"
    return lambda: page.request.get(url).json()["annotations"]


def _centre(page: Page) -> tuple[float, float]:
    box = page.locator(CELL).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


SAVE_URL = re.compile(r"/annotations/(\d+/)?(delete/)?\?")
LIST_URL = re.compile(r"/annotations/\?slide=")


def _saving(page: Page) -> Any:
    return page.expect_response(
        lambda r: r.request.method == "POST" and bool(SAVE_URL.search(r.url))
    )


def _new(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    known = {item["id"] for item in before}
    added = [item for item in after if item["id"] not in known]
    assert len(added) == 1, added
    return added[0]


def _shown_in_panel(page: Page, item: dict[str, Any]) -> str:
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    entry = page.locator(f".panel-annotations [data-annotation-id='{item['id']}']")
    entry.wait_for(timeout=TIMEOUT_MS)
    return entry.inner_text()


def test_each_new_shape_is_stored_as_wkt_and_listed_with_its_measure(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    annotations = _open(page, live_studio, _slides(live_studio)[-3])
    ribbon = page.get_by_role("navigation", name="Ribbon")
    x, y = _centre(page)

    before = annotations()
    ribbon.get_by_role("button", name="Ellipse").click()
    with _saving(page) as saved:
        page.mouse.click(x - 80, y - 40)
        page.mouse.move(x + 80, y + 40, steps=5)
        page.mouse.click(x + 80, y + 40)
    assert saved.value.ok
    ellipse = _new(before, annotations())
    assert ellipse["geometry"].startswith("POLYGON ((")
    assert ellipse["geometry"].count(",") == 48  # 48 sides, closed
    assert "µm²" in _shown_in_panel(page, ellipse)

    before = annotations()
    ribbon.get_by_role("button", name="Line").click()
    with _saving(page) as saved:
        page.mouse.click(x - 100, y + 60)
        page.mouse.move(x + 100, y + 60, steps=5)
        page.mouse.click(x + 100, y + 60)
    assert saved.value.ok
    line = _new(before, annotations())
    assert re.fullmatch(r"LINESTRING \([-\d.]+ [-\d.]+, [-\d.]+ [-\d.]+\)", line["geometry"])
    assert line["dimensions"] == 1 and line["length"] > 0
    # The ruler: its length, in µm on this slide (it has an MPP).
    assert f"{line['length']:.1f} µm" in _shown_in_panel(page, line)

    before = annotations()
    ribbon.get_by_role("button", name="Freehand").click()
    with _saving(page) as saved:
        page.mouse.move(x - 60, y - 60)
        page.mouse.down()
        for dx, dy in [(0, -60), (60, -30), (80, 20), (40, 70), (-30, 60), (-70, 10)]:
            page.mouse.move(x + dx, y + dy, steps=4)
        page.mouse.up()
    assert saved.value.ok
    outline = _new(before, annotations())
    assert outline["geometry"].startswith("POLYGON ((")
    assert outline["geometry"].count(",") >= 6
    assert outline["area"] > 0
    assert "µm²" in _shown_in_panel(page, outline)

    before = annotations()
    ribbon.get_by_role("button", name="Point").click()
    with _saving(page) as saved:
        page.mouse.click(x + 20, y - 20)
    assert saved.value.ok
    point = _new(before, annotations())
    assert re.fullmatch(r"POINT \([-\d.]+ [-\d.]+\)", point["geometry"])
    assert "point" in _shown_in_panel(page, point)


def test_undo_and_redo_take_a_drawing_back_and_again_on_the_server(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    annotations = _open(page, live_studio, _slides(live_studio)[-4])
    ribbon = page.get_by_role("navigation", name="Ribbon")
    x, y = _centre(page)
    before = annotations()

    ribbon.get_by_role("button", name="Rectangle").click()
    with _saving(page):
        page.mouse.click(x - 50, y - 30)
        page.mouse.move(x + 50, y + 30, steps=5)
        page.mouse.click(x + 50, y + 30)
    drawn = _new(before, annotations())

    with _saving(page) as undone:
        page.keyboard.press("Control+z")
    assert undone.value.ok and "/delete/" in undone.value.url
    assert {item["id"] for item in annotations()} == {item["id"] for item in before}

    with _saving(page) as redone:
        page.keyboard.press("Control+Shift+Z")
    assert redone.value.ok
    again = _new(before, annotations())
    assert again["geometry"] == drawn["geometry"]

    # The ribbon's buttons do the same.
    with _saving(page):
        ribbon.get_by_role("button", name="Undo").click()
    assert {item["id"] for item in annotations()} == {item["id"] for item in before}
    with _saving(page):
        ribbon.get_by_role("button", name="Redo").click()
    assert _new(before, annotations())["geometry"] == drawn["geometry"]


def test_a_deleted_annotation_comes_back_with_undo(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    annotations = _open(page, live_studio, _slides(live_studio)[-4])
    ribbon = page.get_by_role("navigation", name="Ribbon")
    x, y = _centre(page)
    ribbon.get_by_role("button", name="Rectangle").click()
    before = annotations()
    # Saved, then shown again as the tile server lists it: only then can it be selected.
    with _saving(page), page.expect_response(lambda r: bool(LIST_URL.search(r.url))):
        page.mouse.click(x - 70, y - 70)
        page.mouse.move(x - 10, y - 10, steps=5)
        page.mouse.click(x - 10, y - 10)
    drawn = _new(before, annotations())

    page.locator(f"{CELL} [data-annotations='ready']").wait_for(timeout=TIMEOUT_MS)
    page.mouse.click(x - 40, y - 40)
    page.locator(f"{CELL} .a9s-handle").first.wait_for(timeout=TIMEOUT_MS)  # selected
    with _saving(page) as deleted:
        page.keyboard.press("Delete")
    assert deleted.value.ok and f"/annotations/{drawn['id']}/delete/" in deleted.value.url
    assert drawn["id"] not in {item["id"] for item in annotations()}

    with _saving(page) as undone, page.expect_response(lambda r: bool(LIST_URL.search(r.url))):
        page.keyboard.press("Control+z")
    assert undone.value.status == 201
    back = _new(before, annotations())
    assert (back["geometry"], back["classification"]) == (drawn["geometry"], "")

    # The ribbon's Delete button does the same to the selected annotation.
    page.locator(f"{CELL} [data-annotations='ready']").wait_for(timeout=TIMEOUT_MS)
    page.mouse.click(x - 40, y - 40)
    page.locator(f"{CELL} .a9s-handle").first.wait_for(timeout=TIMEOUT_MS)
    with _saving(page) as deleted:
        ribbon.get_by_role("button", name="Delete").click()
    assert f"/annotations/{back['id']}/delete/" in deleted.value.url
