"""Screenshots compared by pixels, for what only the eye can check (flips, magnification)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from playwright.sync_api import Locator, Page

# Grey levels apart for two pixels to count as different: more than JPEG noise and the
# little of the slide that half-transparent overlays let through.
CLEAR_DIFFERENCE = 60


def grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def element_pixels(locator: Locator) -> np.ndarray:
    return grey(locator.screenshot())


def central_pixels(page: Page, locator: Locator, fraction: float = 0.5) -> np.ndarray:
    """The middle of an element (its overlays, such as the navigator, sit at its edges)."""
    box = locator.bounding_box()
    assert box is not None
    width, height = round(box["width"] * fraction), round(box["height"] * fraction)
    clip = {
        "x": round(box["x"] + (box["width"] - width) / 2),
        "y": round(box["y"] + (box["height"] - height) / 2),
        "width": width,
        "height": height,
    }
    return grey(page.screenshot(clip=clip))


def differing_pixels(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that differ clearly, at the best alignment within a pixel (page
    elements sit at fractional offsets, so a drawing may land one pixel over)."""
    height, width = min(a.shape[0], b.shape[0]) - 2, min(a.shape[1], b.shape[1]) - 2
    core = a[1 : 1 + height, 1 : 1 + width]
    shares = [
        float((np.abs(core - b[dy : dy + height, dx : dx + width]) > CLEAR_DIFFERENCE).mean())
        for dy in range(3)
        for dx in range(3)
    ]
    return min(shares)


def next_frames(page: Page) -> None:
    """Wait until what the page changed has been drawn."""
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
