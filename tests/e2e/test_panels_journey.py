"""A pathologist picks slides in the cockpit's browser and every panel follows; a 2x2 grid
with synchronized navigation moves all four viewports together."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Page, Route

from tests.e2e.conftest import LiveStudio
from tests.e2e.pixels import central_pixels, differing_pixels, element_pixels, next_frames
from tileserver.lib.demo_slides import DEMO_SLIDES

MPP = {slide.path: slide.mpp for slide in DEMO_SLIDES}

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
    browser.locator(".panel-breadcrumbs").wait_for(timeout=TIMEOUT_MS)  # loaded, wherever it is
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
    assert query["slide"] and query["token"][0]
    demo = page.frame_locator(".panel-custom iframe")
    demo.locator("h1", has_text=name).wait_for(timeout=TIMEOUT_MS)
    demo.locator("img[data-role='label']").wait_for(timeout=TIMEOUT_MS)

    # The frame of our own origin may run scripts but not lift its sandbox.
    assert "allow-same-origin" not in frame.get_attribute("sandbox")
    first_src = frame.get_attribute("src")

    # Another slide: the demo page asked to follow by message, so it shows the new slide
    # without being reloaded.
    other = demo_slides(live_studio.slides_dir)[1]
    browse_to(page, other)
    demo.locator("h1", has_text=other.rsplit("/", 1)[-1]).wait_for(timeout=TIMEOUT_MS)
    demo.locator("body[data-ready='true'] img[data-role='thumbnail']").wait_for()
    assert frame.get_attribute("src") == first_src
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

    # Slides of different sizes (A1 40,000 px wide, A2 16,000) and pixel sizes (B1, C1).
    slides = demo_slides(live_studio.slides_dir)[:4]
    for index, slide in enumerate(slides):
        page.locator(cell(index)).click()
        assert page.locator(cell(index)).get_attribute("aria-current") == "true"
        browse_to(page, slide)
        page.locator(f"{cell(index)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate(f"{VIEWER}.getState().cells") == slides

    # Give each viewport its own place and zoom before switching sync on.
    page.evaluate(
        f"""() => [0, 1, 2, 3].forEach(i => {{
            const v = {VIEWER}.viewerAt(i).viewport;
            v.zoomTo(2 + i, null, true);
            v.panTo(new OpenSeadragon.Point(0.4 + 0.03 * i, 0.3), true);
        }})"""
    )
    page.locator(cell(0)).click()
    ribbon.get_by_role("button", name="Synchronize").click()
    page.wait_for_function(f"{VIEWER}.getState().sync === true")
    before = positions(page)

    # Drag the top-left viewport to the left, then zoom it in.
    box = page.locator(cell(0)).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 15 * step, y, steps=2)
    page.mouse.up()
    page.evaluate(f"{VIEWER}.viewerAt(0).viewport.zoomBy(2.5)")
    wait_until_still(page, 0)
    after = positions(page)
    moved = after[0]["x"] - before[0]["x"]
    assert moved > 10, (before, after)  # µm
    for index in range(1, 4):
        # Each keeps its own place on its section, moved by as many µm as the leader...
        assert after[index]["x"] - before[index]["x"] == pytest.approx(moved, rel=1e-3)
        # ... and all show the leader's magnification, whatever their slides' sizes.
        assert after[index]["umPerPx"] == pytest.approx(after[0]["umPerPx"], rel=1e-3)
    readouts = [element_pixels(page.locator(f"{cell(i)} .viewer-readout")) for i in range(4)]
    texts = page.locator(".viewer-cell [data-role='magnification']").all_inner_texts()
    assert len(set(texts)) == 1, texts
    for index in range(1, 4):
        assert differing_pixels(readouts[0], readouts[index]) < 0.02, (
            "the magnification and scale bar of every viewport look the same"
        )

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
    still = positions(page)
    page.evaluate(f"{VIEWER}.viewerAt(0).viewport.panBy(new OpenSeadragon.Point(0.1, 0), true)")
    # Followers would move on the leader's next viewport-change, drawn in the next frames.
    next_frames(page)
    assert positions(page)[1] == still[1]
    ribbon.get_by_role("button", name="Synchronize").click()
    page.wait_for_function(f"{VIEWER}.getState().sync === true")

    # Selecting a viewport selects its slide: the side panels follow it.
    page.locator(cell(2)).click()
    page.wait_for_function(f"new URL(location.href).searchParams.get('slide') === {slides[2]!r}")
    show_tab(page, "Slide info")
    name = slides[2].rsplit("/", 1)[-1]
    page.locator(".panel-info .panel-heading", has_text=name).wait_for(timeout=TIMEOUT_MS)

    # Home → Share grid shares all four slides, as laid out, synchronized.
    ribbon.get_by_role("tab", name="Home").click()
    ribbon.get_by_role("button", name="Share grid").click()
    toast = page.locator("#share-toast")
    toast.get_by_label("Share link").wait_for(timeout=TIMEOUT_MS)
    assert "grid" in toast.inner_text()
    assert shared_grid(page, live_studio) == {
        "slides": slides,
        "rows": 2,
        "columns": 2,
        "sync": True,
    }

    # A reload brings back the grid, its slides, sync and the selected viewport.
    # The arrangement is saved half a second after the last change.
    with page.expect_request(lambda r: ARRANGEMENT in r.url and r.method == "POST"):
        page.locator(cell(1)).click()
    page.reload()
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    page.wait_for_function(f"{VIEWER} !== undefined && {VIEWER}.getState().cells.length === 4")
    state = page.evaluate(f"{VIEWER}.getState()")
    assert state["cells"] == slides
    assert state["sync"] is True and state["selectedCell"] == 1
    for index in range(4):
        page.locator(f"{cell(index)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    assert parse_qs(urlsplit(page.url).query)["slide"] == [slides[1]]
    page.wait_for_load_state("networkidle")
    _screenshot(page, tmp_path, "grid-2x2.png")


def shared_grid(page: Page, live_studio: LiveStudio) -> dict[str, object]:
    """The grid of the newest share, as the admin shows it."""
    admin = page.context.new_page()
    admin.goto(f"{live_studio.url}/admin/sharing/share/?kind__exact=grid&o=-5")
    admin.locator("#result_list tbody tr th a").first.click()
    grid = json.loads(admin.locator("textarea[name='grid']").input_value())
    admin.close()
    return grid


def wait_until_still(page: Page, index: int) -> None:
    page.wait_for_function(
        f"""() => {{
          const v = {VIEWER}.viewerAt({index}).viewport;
          return Math.abs(v.getCenter(true).x - v.getCenter(false).x) < 1e-9
            && Math.abs(v.getZoom(true) - v.getZoom(false)) < 1e-9;
        }}""",
        timeout=TIMEOUT_MS,
    )
    next_frames(page)


def positions(page: Page) -> list[dict[str, float]]:
    """Each viewport's centre in µm on its slide, and its µm per screen pixel."""
    paths = page.evaluate(f"{VIEWER}.getState().cells")
    mpps = [MPP[path] for path in paths]
    return page.evaluate(
        f"""mpps => mpps.map((um, i) => {{
            const viewer = {VIEWER}.viewerAt(i);
            const item = viewer.world.getItemAt(0);
            const c = item.viewportToImageCoordinates(viewer.viewport.getCenter(true));
            const zoom = item.viewportToImageZoom(viewer.viewport.getZoom(true));
            return {{x: c.x * um, y: c.y * um, umPerPx: um / zoom}};
        }})""",
        mpps,
    )


def _screenshot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name))


def test_a_missing_slide_says_so_once_and_the_keyboard_and_flips_work(
    page: Page, live_studio: LiveStudio
) -> None:
    missing = "demo/breast/no-such-slide.svs"
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "slide-info.json" in r.url else None)
    page.goto(f"{live_studio.url}/?slide={quote(missing)}")
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)

    # The viewport and the info panel say the slide cannot be opened, and stop there.
    banner = page.locator(f"{cell(0)} .banner")
    banner.wait_for(timeout=TIMEOUT_MS)
    assert "can't be opened" in banner.inner_text()
    assert "Trying again" not in banner.inner_text()
    assert page.locator(cell(0)).get_attribute("data-failed") == "final"
    show_tab(page, "Slide info")
    info_banner = page.locator(".panel-info, .panel-unreadable").first
    info_banner.wait_for(timeout=TIMEOUT_MS)
    assert "can't be opened" in info_banner.inner_text()
    assert page.locator(".panel-unreadable[hx-trigger]").count() == 0

    # A ?slide= link opens the browser at the slide's folder.
    current = page.locator(".panel-browser .panel-breadcrumbs [aria-current]")
    assert current.inner_text() == "breast"

    # Enter on a folder opens it and leaves the focus in the browser.
    page.locator(".panel-browser a.folder").first.focus()
    page.keyboard.press("Enter")
    current.filter(has_text="CASE-001").wait_for()
    page.wait_for_function("document.activeElement.matches('.panel-browser-list a')")
    assert [url for url in asked if "no-such-slide" in url] == [asked[0]], "asked only once"

    # The viewport takes +, -, the arrows / 0 when it has the focus itself.
    slide = "demo/breast/CASE-001/CASE-001-A1.svs"
    browse_to(page, slide)
    page.locator(f"{cell(0)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    viewport = f"{VIEWER}.viewerAt(0).viewport"
    zoom = page.evaluate(f"{viewport}.getZoom()")
    page.locator(cell(0)).focus()
    page.keyboard.press("+")
    assert page.evaluate(f"{viewport}.getZoom()") == pytest.approx(2 * zoom)
    x = page.evaluate(f"{viewport}.getCenter().x")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{viewport}.getCenter().x") > x
    page.keyboard.press("-")
    page.keyboard.press("0")
    wait_until_still(page, 0)
    page.locator(f"{cell(0)}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)

    # Flips, as seen on screen: horizontally mirrors left-right, vertically top-bottom.
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("button", name="Navigator").click()  # nothing over the slide
    viewer = page.locator(cell(0))

    def seen_after(button: str | None) -> np.ndarray:
        if button:
            ribbon.get_by_role("button", name=button).click()
        wait_until_still(page, 0)
        page.wait_for_function("window.studioFullyLoaded === true", timeout=TIMEOUT_MS)
        next_frames(page)
        return central_pixels(page, viewer)

    original = seen_after(None)
    horizontal = seen_after("Flip horizontally")
    seen_after("Flip horizontally")
    vertical = seen_after("Flip vertically")
    assert differing_pixels(original, vertical) > 0.05, "the slide is not symmetric"
    assert differing_pixels(horizontal, vertical) > 0.05, "the flips differ"
    assert differing_pixels(horizontal, original[:, ::-1]) < 0.01
    assert differing_pixels(vertical, original[::-1, :]) < 0.01
    ribbon.get_by_role("button", name="Navigator").click()


def test_panels_say_when_the_studio_is_out_of_reach_and_recover(
    page: Page, live_studio: LiveStudio
) -> None:
    first, second = demo_slides(live_studio.slides_dir)[:2]
    browse_to(page, first)
    show_tab(page, "Slide info")
    page.locator(".panel-info .panel-heading", has_text=first.rsplit("/", 1)[-1]).wait_for()

    # The studio stops answering; a slide is selected meanwhile.
    def unreachable(route: Route) -> None:
        route.abort("connectionrefused")

    page.route("**/panels/info/**", unreachable)
    browse_to(page, second)
    alert = page.locator(".panel-failed[role='alert']")
    alert.wait_for(timeout=TIMEOUT_MS)
    assert "Slide info can't be loaded" in alert.inner_text()
    assert page.locator(".panel-info").count() == 0, "the previous slide is not shown as current"

    # It answers again: the panel shows the selected slide.
    page.unroute("**/panels/info/**", unreachable)
    name = second.rsplit("/", 1)[-1]
    page.locator(".panel-info .panel-heading", has_text=name).wait_for(timeout=TIMEOUT_MS)
