"""Tiles in PMA.core's zoom convention: stored tiles pass through, the rest is rendered."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import openslide
import pytest
from PIL import Image
from pytest_django.fixtures import Settings

from pmacore.errors import BadRequest
from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine

SLIDE = "cases/big.svs"  # 3000 x 2000, levels 1/4/16 (16 is 16.02: 2000/16 is not whole)
MAX_Z = 4
WHITE = np.array([255, 255, 255])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    slides = tmp_path_factory.mktemp("slides")
    (slides / "cases").mkdir()
    write_aperio(slides / "cases" / "big.svs", 3000, 2000, variant="rgb", downsamples=(1, 4, 16))
    write_aperio(slides / "cases" / "ycbcr.svs", 1024, 768, variant="tables", downsamples=(1, 4))
    return slides


@pytest.fixture
def root(written: Path, settings: Settings) -> Path:
    settings.SLIDES_DIR = written
    return written


def pixels(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    assert image.size == (256, 256)
    return np.asarray(image.convert("RGB")).astype(int)


def reference(root: Path, path: str, x: int, y: int, z: int, max_z: int) -> np.ndarray:
    """What the tile should show, straight from OpenSlide at native resolution."""
    factor = 2 ** (max_z - z)
    span = 256 * factor
    with openslide.OpenSlide(root / path) as slide:
        region = slide.read_region((x * span, y * span), 0, (span, span))
    flat = Image.new("RGB", region.size, "white")
    flat.paste(region, mask=region.getchannel("A"))
    return np.asarray(flat.resize((256, 256), Image.Resampling.BOX)).astype(int)


def mean_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b).mean(axis=(0, 1))


@pytest.mark.parametrize(("x", "y", "z"), [(0, 0, MAX_Z), (5, 3, MAX_Z), (1, 0, MAX_Z - 2)])
def test_tiles_of_stored_levels_pass_through_with_true_colours(
    root: Path, x: int, y: int, z: int
) -> None:
    image, source = engine.tile_with_source(SLIDE, x, y, z)
    assert source == "passthrough"
    assert image.content_type == "image/jpeg"
    assert (mean_difference(pixels(image.data), reference(root, SLIDE, x, y, z, MAX_Z)) < 8).all()


def test_tiles_between_stored_levels_are_rendered(root: Path) -> None:
    image, source = engine.tile_with_source(SLIDE, 1, 1, MAX_Z - 1)
    assert source == "rendered"
    expected = reference(root, SLIDE, 1, 1, MAX_Z - 1, MAX_Z)
    assert (mean_difference(pixels(image.data), expected) < 8).all()


def test_ycbcr_tiles_with_shared_tables_pass_through(root: Path) -> None:
    image, source = engine.tile_with_source("cases/ycbcr.svs", 2, 1, 2)
    assert source == "passthrough"
    expected = reference(root, "cases/ycbcr.svs", 2, 1, 2, 2)
    assert (mean_difference(pixels(image.data), expected) < 8).all()


def test_zoom_level_0_is_the_whole_slide_in_one_tile(root: Path) -> None:
    image = engine.tile(SLIDE, 0, 0, 0)
    tile = pixels(image.data)
    # 3000 x 2000 shrinks by 16 to 188 x 125: the rest of the tile is background.
    assert (tile[:, 200:] == WHITE).all()
    assert (tile[140:, :] == WHITE).all()
    assert np.abs(tile[:120, :180] - WHITE).mean() > 30


def test_edge_tiles_are_full_size_and_padded_with_the_background(root: Path) -> None:
    # 3000 = 11 * 256 + 184: column 11 is a partial tile; the stored one is padded black.
    image, source = engine.tile_with_source(SLIDE, 11, 0, MAX_Z)
    assert source == "rendered"
    tile = pixels(image.data)
    assert np.abs(tile[:, 192:] - WHITE).max() <= 10  # JPEG ringing only, no black padding
    expected = reference(root, SLIDE, 11, 0, MAX_Z, MAX_Z)
    assert (mean_difference(tile[:, :184], expected[:, :184]) < 8).all()


@pytest.mark.parametrize(
    ("x", "y", "z"), [(12, 0, MAX_Z), (0, 8, MAX_Z), (-1, 0, MAX_Z), (1, 0, 0)]
)
def test_tiles_outside_the_slide_are_blank(root: Path, x: int, y: int, z: int) -> None:
    image, source = engine.tile_with_source(SLIDE, x, y, z)
    assert source == "blank"
    assert (pixels(image.data) >= 250).all()


@pytest.mark.parametrize("z", [-1, MAX_Z + 1])
def test_zoom_levels_outside_the_pyramid_are_bad_requests(root: Path, z: int) -> None:
    with pytest.raises(BadRequest, match="Zoom level"):
        engine.tile(SLIDE, 0, 0, z)


def test_png_tiles_are_rendered_losslessly(root: Path) -> None:
    image, source = engine.tile_with_source(SLIDE, 0, 0, MAX_Z, fmt="png")
    assert source == "rendered"
    assert image.content_type == "image/png"
    assert Image.open(io.BytesIO(image.data)).format == "PNG"


def test_unknown_formats_are_bad_requests(root: Path) -> None:
    with pytest.raises(BadRequest, match="format"):
        engine.tile(SLIDE, 0, 0, MAX_Z, fmt="gif")


def test_quality_changes_rendered_tiles(root: Path) -> None:
    low = engine.tile(SLIDE, 1, 1, MAX_Z - 1, quality=20)
    high = engine.tile(SLIDE, 1, 1, MAX_Z - 1, quality=95)
    assert len(low.data) < len(high.data)


def test_a_replaced_file_is_reopened(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    settings.SLIDES_DIR = tmp_path
    path = tmp_path / "r" / "s.svs"
    write_aperio(path, 600, 400, seed=1)
    first = engine.tile("r/s.svs", 0, 0, 2)
    write_aperio(path, 900, 400, seed=2)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    second = engine.tile("r/s.svs", 0, 0, 2)
    assert first.data != second.data
    assert engine.tile_with_source("r/s.svs", 3, 0, 2)[1] != "blank"  # the wider slide


def test_tiles_read_from_many_threads_match_sequential_reads(root: Path) -> None:
    coordinates = [(x, y, z) for z in (MAX_Z - 1, MAX_Z) for x in range(4) for y in range(3)]
    sequential = [engine.tile(SLIDE, x, y, z).data for x, y, z in coordinates]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda c: engine.tile(SLIDE, *c).data, coordinates * 3))
    assert parallel == sequential * 3
