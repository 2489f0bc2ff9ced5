"""A pathologist picks slides in the cockpit's browser and every panel follows; a 2x2 grid
with synchronized navigation moves all four viewports together."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
ARRANGEMENT = "/panels/arrangement/default/"
VIEWER = "window.cockpit.viewers.get('viewer')"


def demo_slides(slides_dir: Path) -> list[str]:
    return sorted(p.relative_to(slides_dir).as_posix() for p in slides_dir.rglob("*.svs"))


@pytest.fixture
def page(browser_page: Page, live_studio: LiveStudio) -> Page:
    live_studio.login(browser_page)
    browser_page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    with browser_page.expect_response(lambda r: ARRANGEMENT in r.url):
        browser_page.evaluate("window.cockpit.manager.reset()")
    browser_page.wait_for_function(f"{VIEWER} !== undefined", timeout=TIMEOUT_MS)
    return browser_page


def browse_to(page: Page, slide: str) -> None:
    """Click through the browser panel's folders from the top, then on the slide."""
    browser = page.locator(".panel-browser")
    *folders, name = slide.split("/")
    top = browser.locator(".panel-breadcrumbs a", has_text="All slides")
    if top.count():
        top.click()
        page.locator(".panel-breadcrumbs [aria-current]", has_text="All slides").wait_for()
    for folder in folders:
        browser.locator("a.folder", has_text=folder).first.click()
        page.locator(".panel-breadcrumbs [aria-current]", has_text=folder).wait_for()
    page.locator(".panel-browser a.slide", has_text=name).click()


def show_tab(page: Page, title: str) -> None:
    page.locator(".dock .dv-tab", has_text=title).first.click()


def cell(index: int) -> str:
    return f".viewer-cell[data-cell='{index}']"


def test_clicking_a_slide_updates_every_panel(
    page: Page, live_studio: LiveStudio, tmp_path: Path
) -> None:
    slide = demo_slides(live_studio.slides_dir)[0]
    name = slide.rsplit("/", 1)[-1]
    browse_to(page, slide)

    page.wait_for_url("**/?slide=*")
    assert parse_qs(urlsplit(page.url).query)["slide"] == [slide]
    page.locator(f"{cell(0)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate(f"{VIEWER}.getState().cells[0]") == slide
    assert page.locator(f"{cell(0)} .viewer-cell-name").inner_text() == name

    show_tab(page, "Slide info")
    page.locator(".panel-info .panel-heading", has_text=name).wait_for(timeout=TIMEOUT_MS)
    assert "Dimensions" in page.locator(".panel-info").inner_text()

    for title, kind in (("Thumbnail", "thumbnail"), ("Label", "label")):
        show_tab(page, title)
        image = page.locator(f".panel-{kind} img")
        image.wait_for(timeout=TIMEOUT_MS)
        assert f"slide={quote(slide)}&" in image.get_attribute("src")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=TIMEOUT_MS,
        )

    show_tab(page, "Label (demo)")
    frame = page.locator(".panel-custom iframe")
    frame.wait_for(timeout=TIMEOUT_MS)
    src = urlsplit(frame.get_attribute("src"))
    query = parse_qs(src.query)
    assert src.path == "/panels/demo/label/"
    assert query["slide"] == [slide]
    assert query["token"][0]
    demo = page.frame_locator(".panel-custom iframe")
    demo.locator("h1", has_text=name).wait_for(timeout=TIMEOUT_MS)
    demo.locator("img[data-role='label']").wait_for(timeout=TIMEOUT_MS)

    # Another slide: the custom panel follows with a new slide and token.
    other = demo_slides(live_studio.slides_dir)[1]
    browse_to(page, other)
    page.wait_for_function(
        "s => document.querySelector('.panel-custom iframe')?.src.includes(s)",
        arg=f"slide={other.replace('/', '%2F')}",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_function(f"{VIEWER}.getState().cells[0] === {other!r}")
    page.locator(f"{cell(0)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    _screenshot(page, tmp_path, "panels.png")


def test_a_synchronized_2x2_grid_moves_all_four_viewports(
    page: Page, live_studio: LiveStudio, tmp_path: Path
) -> None:
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Grid").click()
    ribbon.get_by_role("button", name="2 \N{MULTIPLICATION SIGN} 2").click()
    page.wait_for_function(f"{VIEWER}.getState().rows === 2 && {VIEWER}.getState().columns === 2")
    assert page.locator(".viewer-cell").count() == 4

    slides = demo_slides(live_studio.slides_dir)[:4]
    for index, slide in enumerate(slides):
        page.locator(cell(index)).click()
        assert page.locator(cell(index)).get_attribute("aria-current") == "true"
        browse_to(page, slide)
        page.locator(f"{cell(index)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate(f"{VIEWER}.getState().cells") == slides

    # Give each viewport its own offset before switching sync on.
    page.evaluate(
        f"""() => [0, 1, 2, 3].forEach(i => {{
            const v = {VIEWER}.viewerAt(i).viewport;
            v.zoomTo(2 + i, null, true);
            v.panTo(new OpenSeadragon.Point(0.4 + 0.03 * i, 0.3), true);
        }})"""
    )
    ribbon.get_by_role("button", name="Synchronize").click()
    page.wait_for_function(f"{VIEWER}.getState().sync === true")
    before = centers(page)

    # Drag the top-left viewport to the left: everyone pans right by the same fraction.
    box = page.locator(cell(0)).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 15 * step, y, steps=2)
    page.mouse.up()
    page.wait_for_function(
        f"""() => {{
          const v = {VIEWER}.viewerAt(0).viewport;
          return Math.abs(v.getCenter(true).x - v.getCenter(false).x) < 1e-6;
        }}""",
        timeout=TIMEOUT_MS,
    )
    after = centers(page)
    moved = after[0]["x"] - before[0]["x"]
    assert moved > 0.01, (before, after)
    for index in range(1, 4):
        assert after[index]["x"] - before[index]["x"] == pytest.approx(moved, abs=1e-3)
        assert after[index]["zoom"] / after[0]["zoom"] == pytest.approx(
            before[index]["zoom"] / before[0]["zoom"], rel=1e-3
        ), "each keeps its own zoom ratio"

    # Rotating the selected viewport rotates all four.
    page.evaluate(f"{VIEWER}.selectCell(0); {VIEWER}.rotate(90)")
    page.wait_for_function(
        f"[0, 1, 2, 3].every(i => "
        f"Math.abs({VIEWER}.viewerAt(i).viewport.getRotation(true) - 90) < 0.01)",
        timeout=TIMEOUT_MS,
    )

    # Sync off: the others stay put.
    ribbon.get_by_role("button", name="Synchronize").click()
    page.wait_for_function(f"{VIEWER}.getState().sync === false")
    still = centers(page)
    page.evaluate(f"{VIEWER}.viewerAt(0).viewport.panBy(new OpenSeadragon.Point(0.1, 0), true)")
    # Followers would move on the leader's next viewport-change, drawn in the next frames.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert centers(page)[1] == still[1]
    for index in range(4):
        page.locator(f"{cell(index)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    _screenshot(page, tmp_path, "grid-2x2.png")


def centers(page: Page) -> list[dict[str, float]]:
    return page.evaluate(
        f"""() => [0, 1, 2, 3].map(i => {{
            const viewer = {VIEWER}.viewerAt(i);
            const item = viewer.world.getItemAt(0).getContentSize();
            const c = viewer.viewport.getCenter(true);
            return {{x: c.x, y: c.y * item.x / item.y, zoom: viewer.viewport.getZoom(true)}};
        }})"""
    )


def _screenshot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name))
