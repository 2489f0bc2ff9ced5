"""A pathologist corrects an annotation's class and description in the annotations panel:
the tile server keeps the change, the panel lists the annotation under its new class, and
the text stays text."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"
NOTE = '<img src=x onerror="document.title=1"> seen twice'


def test_class_and_description_are_edited_inline_in_the_panel(
    browser_page: Page, live_studio: LiveStudio
) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-7]
    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    url = f"{live_studio.url}/annotations/?slide={quote(slide)}"
    known = {item["id"] for item in page.request.get(url).json()["annotations"]}
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()
    ribbon.get_by_role("button", name="Rectangle").click()
    box = page.locator(CELL).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(lambda r: r.request.method == "POST" and "/annotations/" in r.url):
        page.mouse.click(x - 40, y - 40)
        page.mouse.move(x + 40, y + 40, steps=5)
        page.mouse.click(x + 40, y + 40)
    (item,) = [i for i in page.request.get(url).json()["annotations"] if i["id"] not in known]

    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    entry = page.locator(f".panel-annotations [data-annotation-id='{item['id']}']")
    entry.get_by_text("Edit", exact=True).click()
    entry.get_by_label("Class").fill("TLS primary follicle")
    entry.get_by_label("Description").fill(NOTE)
    with page.expect_response(
        lambda r: r.request.method == "POST" and f"/annotations/{item['id']}/" in r.url
    ) as saved:
        entry.get_by_role("button", name="Save").click()
    assert saved.value.status == 204

    group = page.locator(".panel-annotations .annotation-class", has_text="TLS primary follicle")
    moved = group.locator(f"[data-annotation-id='{item['id']}']")
    moved.locator(".annotation-notes").wait_for(timeout=TIMEOUT_MS)
    assert moved.locator(".annotation-notes").inner_text() == NOTE
    assert moved.locator("img").count() == 0
    assert page.title() != "1"
    now = {i["id"]: i for i in page.request.get(url).json()["annotations"]}[item["id"]]
    assert (now["classification"], now["notes"]) == ("TLS primary follicle", NOTE)

    # The panel's edit is a step of the viewer's history: Undo takes it back, Redo again.
    ribbon.get_by_role("tab", name="Annotations").click()
    for step, expected in (("Undo", ("", "")), ("Redo", ("TLS primary follicle", NOTE))):
        with page.expect_response(
            lambda r: r.request.method == "POST" and f"/annotations/{item['id']}/" in r.url
        ):
            ribbon.get_by_role("button", name=step).click()
        now = {i["id"]: i for i in page.request.get(url).json()["annotations"]}[item["id"]]
        assert (now["classification"], now["notes"]) == expected
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    group = page.locator(".panel-annotations .annotation-class", has_text="TLS primary follicle")
    group.locator(f"[data-annotation-id='{item['id']}']").wait_for(timeout=TIMEOUT_MS)
