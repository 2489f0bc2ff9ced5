"""The Annotations tab's own controls: the style fields give the next annotation its class
and colours, and change the selected one on the tile server; the Annotations toggle hides
and shows them; Labels writes their classes on the slide."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio
from tests.e2e.pixels import differing_pixels, grey, next_frames

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"
CHANGE_URL = re.compile(r"/annotations/\d+/\?")
LIST_URL = re.compile(r"/annotations/\?slide=")


def _saving(page: Page, pattern: str = "/annotations/") -> Any:
    return page.expect_response(lambda r: r.request.method == "POST" and pattern in r.url)


def test_style_fields_hide_show_and_labels(browser_page: Page, live_studio: LiveStudio) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-6]
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    url = f"{live_studio.url}/annotations/?slide={quote(slide)}"
    known = {item["id"] for item in page.request.get(url).json()["annotations"]}
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()

    # The fields style the next annotation: a dark fill, so that hiding it shows.
    ribbon.get_by_label("Edge").fill("#000000")
    ribbon.get_by_label("Fill", exact=True).fill("#000000")
    ribbon.get_by_label("Opacity").fill("80")
    ribbon.get_by_label("Width").fill("4")
    ribbon.get_by_label("Width").press("Enter")
    ribbon.get_by_label("Class").fill("Marked <b>region</b>")
    ribbon.get_by_label("Class").press("Enter")
    ribbon.get_by_role("button", name="Rectangle").click()
    box = page.locator(CELL).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with _saving(page):
        page.mouse.click(x - 80, y - 50)
        page.mouse.move(x + 80, y + 50, steps=5)
        page.mouse.click(x + 80, y + 50)
    (item,) = [i for i in page.request.get(url).json()["annotations"] if i["id"] not in known]
    assert item["classification"] == "Marked <b>region</b>"
    # 80 % of 255 is 204 (0xCC).
    assert (item["color"], item["fill_color"], item["line_thickness"]) == (
        "#000000FF",
        "#000000CC",
        4,
    )

    inside = {"x": x - 60, "y": y - 35, "width": 120, "height": 70}
    next_frames(page)
    shown = grey(page.screenshot(clip=inside))
    ribbon.get_by_role("button", name="Annotations", exact=True).click()
    next_frames(page)
    hidden = grey(page.screenshot(clip=inside))
    ribbon.get_by_role("button", name="Annotations", exact=True).click()
    next_frames(page)
    again = grey(page.screenshot(clip=inside))
    assert differing_pixels(shown, hidden) > 0.5
    assert differing_pixels(shown, again) < 0.05

    labels = page.locator(f"{CELL} .annotation-label")
    assert labels.count() == 0
    ribbon.get_by_role("button", name="Labels", exact=True).click()
    # The class is written as text, not read as HTML.
    label = labels.filter(has_text="Marked <b>region</b>")
    label.wait_for(timeout=TIMEOUT_MS)
    assert label.locator("b").count() == 0
    # Hidden annotations take their labels with them.
    ribbon.get_by_role("button", name="Annotations", exact=True).click()
    label.wait_for(state="detached", timeout=TIMEOUT_MS)
    ribbon.get_by_role("button", name="Annotations", exact=True).click()
    label.wait_for(timeout=TIMEOUT_MS)
    ribbon.get_by_role("button", name="Labels", exact=True).click()
    label.wait_for(state="detached", timeout=TIMEOUT_MS)

    # Selecting the annotation fills the fields with its style; a field then changes it.
    page.mouse.click(x, y)
    page.wait_for_function(
        "document.querySelector('[name=annotation-class]').value === 'Marked <b>region</b>'",
        timeout=TIMEOUT_MS,
    )
    with (
        page.expect_response(
            lambda r: r.request.method == "POST" and bool(CHANGE_URL.search(r.url))
        ) as changed,
        page.expect_response(lambda r: r.request.method == "GET" and LIST_URL.search(r.url)),
    ):
        ribbon.get_by_label("Edge").fill("#ff0000")
    assert changed.value.status == 204
    with page.expect_response(
        lambda r: r.request.method == "POST" and bool(CHANGE_URL.search(r.url))
    ):
        ribbon.get_by_label("Class").fill("Renamed")
        ribbon.get_by_label("Class").press("Enter")
    now = {i["id"]: i for i in page.request.get(url).json()["annotations"]}[item["id"]]
    assert (now["color"], now["fill_color"], now["classification"]) == (
        "#FF0000FF",
        "#000000CC",
        "Renamed",
    )

    # A change of style is a step of the history like any other.
    with page.expect_response(
        lambda r: r.request.method == "POST" and bool(CHANGE_URL.search(r.url))
    ) as undone:
        ribbon.get_by_role("button", name="Undo").click()
    assert undone.value.status == 204
    now = {i["id"]: i for i in page.request.get(url).json()["annotations"]}[item["id"]]
    assert now["classification"] == "Marked <b>region</b>"
