"""A pathologist scores tertiary lymphoid structures with the TLS protocol layout: a preset
button draws with that stage's shape, and the annotation is saved with its class and
colours, listed under its class, and still there after a reload."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"
STAGE = "TLS primary follicle"


@pytest.fixture
def tls_slide(browser_page: Page, live_studio: LiveStudio) -> Iterator[str]:
    """The journey user's cockpit in the TLS protocol layout, put back to the default after
    (the studio remembers a user's layout); gives the slide it shows."""
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-5]
    live_studio.login(browser_page, f"/?slide={slide}")
    browser_page.goto(f"{live_studio.url}/?{urlencode({'layout': 'tls-protocol', 'slide': slide})}")
    browser_page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    yield slide
    browser_page.goto(f"{live_studio.url}/?layout=default")


def test_a_preset_button_draws_a_classed_annotation_that_survives_a_reload(
    browser_page: Page, live_studio: LiveStudio, tls_slide: str
) -> None:
    page = browser_page
    url = f"{live_studio.url}/annotations/?slide={quote(tls_slide)}"
    known = {item["id"] for item in page.request.get(url).json()["annotations"]}
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()
    ribbon.get_by_role("button", name="Primary follicle").click()

    box = page.locator(CELL).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/annotations/" in r.url
    ) as saved:
        page.mouse.move(x - 50, y)
        page.mouse.down()
        for dx, dy in [(-30, -40), (20, -50), (60, -10), (40, 40), (-10, 50), (-50, 20)]:
            page.mouse.move(x + dx, y + dy, steps=4)
        page.mouse.up()
    assert saved.value.status == 201

    added = [i for i in page.request.get(url).json()["annotations"] if i["id"] not in known]
    assert len(added) == 1
    item = added[0]
    # The protocol's stage: freehand, blue edge, fill at 0.2 opacity (0x33).
    assert item["classification"] == STAGE
    assert (item["color"], item["fill_color"], item["line_thickness"]) == (
        "#1E88E5FF",
        "#1E88E533",
        2,
    )
    assert item["geometry"].startswith("POLYGON ((") and item["geometry"].count(",") >= 6

    page.reload()
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    group = page.locator(".panel-annotations .annotation-class", has_text=STAGE)
    group.locator(f"[data-annotation-id='{item['id']}']").wait_for(timeout=TIMEOUT_MS)
    assert "µm²" in group.inner_text()
