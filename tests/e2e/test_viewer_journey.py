"""A pathologist logs in, browses to a slide, views it and zooms in, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TILE_URL = re.compile(r"/tiles/[^/]+/(\d+)/(\d+)_(\d+)\.jpg")
TIMEOUT_MS = 30_000


def hold_viewer(page: Page) -> None:
    """Keep the page's OpenSeadragon viewer at hand for the test (the page has no global
    for it: viewer.js hands its viewers to whoever imports it)."""
    page.evaluate(
        """async () => {
        const module = await import("/static/studio/js/viewer.js");
        window.testViewer = module.liveViewers()[0];
    }"""
    )


def pick_slide(slides_dir: Path) -> str:
    """The largest demo slide: it has the most zoom levels to travel through."""
    files = sorted(slides_dir.rglob("*.svs"), key=lambda p: (-p.stat().st_size, str(p)))
    return files[0].relative_to(slides_dir).as_posix()


def test_a_pathologist_views_and_zooms_into_a_slide(
    live_studio: LiveStudio, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    tiles: list[tuple[int, int]] = []  # (z, status)

    def on_response(response: Response) -> None:
        match = TILE_URL.search(response.url)
        if match:
            tiles.append((int(match.group(1)), response.status))

    page.on("response", on_response)

    live_studio.login(page, "/browse/")

    *folders, name = pick_slide(live_studio.slides_dir).split("/")
    for folder in folders:
        page.locator("a.folder", has_text=folder).first.click()
    page.locator("a.slide-card", has_text=name).click()
    page.wait_for_url(re.compile(r"/viewer/\?slide="))

    page.wait_for_function("window.studioReady === true", timeout=TIMEOUT_MS)
    hold_viewer(page)
    assert tiles, "the viewer asked for tiles"
    assert {status for _, status in tiles} == {200}
    assert page.evaluate("window.studioErrors") == []
    assert canvas_colours(page) > 16, "the slide is drawn (the canvas is not blank)"
    assert_edge_tiles_are_cropped(page)

    magnification = page.locator('[data-role="magnification"]').inner_text()
    assert magnification.endswith("\N{MULTIPLICATION SIGN}"), magnification
    scale = page.locator('[data-role="scalebar-label"]').inner_text()
    assert re.fullmatch(r"\d+(\.\d+)? (µm|mm)", scale), scale

    deepest = max(z for z, _ in tiles)
    with page.expect_response(
        lambda r: bool(m := TILE_URL.search(r.url)) and int(m.group(1)) > deepest,
        timeout=TIMEOUT_MS,
    ) as deeper:
        page.evaluate("window.testViewer.viewport.zoomBy(8).applyConstraints()")
    assert deeper.value.status == 200
    page.wait_for_function(
        f"window.studioFullyLoaded === true && window.testViewer.world.getItemAt(0)"
        f".lastDrawn.some(d => d.level > {deepest})",
        timeout=TIMEOUT_MS,
    )
    assert {status for _, status in tiles} == {200}
    assert page.locator('[data-role="scalebar-label"]').inner_text() != scale

    page.locator("body").press("r")
    page.wait_for_function("window.testViewer.viewport.getRotation() === 90")
    page.locator("body").press("f")
    assert page.evaluate("window.testViewer.viewport.getFlip()") is True
    assert page.get_by_role("button", name="Flip horizontally").get_attribute("aria-pressed") == (
        "true"
    )
    page.wait_for_function(
        "Math.abs(window.testViewer.viewport.getRotation(true) - 90) < 0.01", timeout=TIMEOUT_MS
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function("window.studioFullyLoaded === true", timeout=TIMEOUT_MS)
    page.screenshot(path=str(tmp_path / "viewer.png"))
    assert page.evaluate("window.studioErrors") == []


def canvas_colours(page: Page) -> int:
    """How many distinct colours a sample of the drawn canvas holds."""
    return page.evaluate(
        """() => {
        const canvas = window.testViewer.drawer.canvas;
        const { width, height } = canvas;
        const probe = document.createElement("canvas");
        probe.width = width; probe.height = height;
        const context = probe.getContext("2d");
        context.drawImage(canvas, 0, 0);
        const pixels = context.getImageData(0, 0, width, height).data;
        const colours = new Set();
        for (let i = 0; i < pixels.length; i += 4 * 97) {
            colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
        }
        return colours.size;
    }"""
    )


def assert_edge_tiles_are_cropped(page: Page) -> None:
    """The server pads edge tiles to full size; OpenSeadragon must draw only the image part.

    A tile's `sourceBounds` is the part of the tile image that is drawn; for the right and
    bottom edge tiles it must be the slide's remaining width/height at that level, not the
    full 256 pixels, or the padding would be squeezed into the image edge.
    """
    edges = page.evaluate(
        """() => {
        const item = window.testViewer.world.getItemAt(0);
        const source = item.source;
        return item.lastDrawn.map(({ tile }) => {
            const scale = source.getLevelScale(tile.level);
            return {
                right: tile.isRightMost, bottom: tile.isBottomMost,
                drawnWidth: tile.sourceBounds.width, drawnHeight: tile.sourceBounds.height,
                restWidth: source.dimensions.x * scale - tile.x * source.getTileWidth(tile.level),
                restHeight: source.dimensions.y * scale - tile.y * source.getTileHeight(tile.level),
            };
        });
    }"""
    )
    assert any(edge["right"] for edge in edges) and any(edge["bottom"] for edge in edges)
    for edge in edges:
        if edge["right"]:
            assert edge["drawnWidth"] == pytest.approx(min(256, edge["restWidth"]))
        if edge["bottom"]:
            assert edge["drawnHeight"] == pytest.approx(min(256, edge["restHeight"]))
