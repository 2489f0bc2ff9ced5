"""Thumbnails, labels, macros and regions: sizes, aspect ratios and limits."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pytest_django.fixtures import Settings

from pmacore.errors import AssociatedImageNotFound, BadRequest
from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine
from tileserver.slides import fit_size

SLIDE = "cases/big.svs"  # 3000 x 2000 with thumbnail (256 x 171), label and macro
PLAIN = "cases/plain.svs"  # 600 x 400, thumbnail only


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    slides = tmp_path_factory.mktemp("slides")
    (slides / "cases").mkdir()
    write_aperio(slides / "cases" / "big.svs", 3000, 2000, downsamples=(1, 4, 16), macro=True)
    write_aperio(slides / "cases" / "plain.svs", 600, 400, label=False)
    return slides


@pytest.fixture
def root(written: Path, settings: Settings) -> Path:
    settings.SLIDES_DIR = written
    return written


def jpeg_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.size


@pytest.mark.parametrize(
    ("box", "expected"),
    [((0, 0), (300, 200)), ((150, 0), (150, 100)), ((0, 50), (75, 50)), ((100, 100), (100, 67))],
)
def test_fit_size_keeps_the_aspect_ratio_inside_the_box(
    box: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert fit_size((300, 200), *box) == expected


def test_the_default_thumbnail_is_the_stored_one(root: Path) -> None:
    assert jpeg_size(engine.thumbnail(SLIDE).data) == (256, 171)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(100, 0, (100, 67)), (0, 100, (150, 100)), (200, 200, (200, 133)), (600, 0, (600, 400))],
)
def test_thumbnails_fit_the_requested_box(
    root: Path, width: int, height: int, expected: tuple[int, int]
) -> None:
    assert jpeg_size(engine.thumbnail(SLIDE, width, height).data) == expected


def test_a_large_thumbnail_is_rendered_from_the_pyramid_with_its_colours(root: Path) -> None:
    image = Image.open(io.BytesIO(engine.thumbnail(SLIDE, 600, 0).data)).convert("RGB")
    small = Image.open(io.BytesIO(engine.thumbnail(SLIDE, 256, 0).data)).convert("RGB")
    difference = np.abs(
        np.asarray(image.resize(small.size, Image.Resampling.BOX)).astype(int)
        - np.asarray(small).astype(int)
    )
    assert difference.mean() < 10


def test_labels_and_macros_come_in_their_own_size_or_fitted(root: Path) -> None:
    assert jpeg_size(engine.label(SLIDE).data) == (240, 120)
    assert jpeg_size(engine.label(SLIDE, 120, 0).data) == (120, 60)
    assert jpeg_size(engine.macro(SLIDE).data) == (500, 200)
    assert jpeg_size(engine.macro(SLIDE, 100, 100).data) == (100, 40)


def test_a_missing_label_is_its_own_not_found(root: Path) -> None:
    with pytest.raises(AssociatedImageNotFound, match="no label image"):
        engine.label(PLAIN)
    with pytest.raises(AssociatedImageNotFound, match="no macro image"):
        engine.macro(PLAIN)
    assert AssociatedImageNotFound.status == 404


def test_a_region_is_scaled_to_width_times_scale(root: Path) -> None:
    image = engine.region(SLIDE, 100, 200, 1000, 500, scale=0.25)
    assert jpeg_size(image.data) == (250, 125)
    assert jpeg_size(engine.region(SLIDE, 0, 0, 301, 99, scale=1.0).data) == (301, 99)


def test_a_region_shows_the_same_pixels_as_the_tiles(root: Path) -> None:
    region = engine.region(SLIDE, 512, 256, 256, 256, fmt="png")
    tile = engine.tile(SLIDE, 2, 1, 4, fmt="png")
    assert region.data == tile.data


def test_a_region_beyond_the_slide_is_background(root: Path) -> None:
    data = engine.region(SLIDE, 2900, 1900, 200, 200, fmt="png").data
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert (pixels[120:, :] == 255).all()
    assert (pixels[:, 120:] == 255).all()
    assert (pixels[:90, :90] != 255).any()


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [
        (0, 10, 1.0),
        (10, -1, 1.0),
        (10, 10, 0.0),
        (10, 10, -2.0),
        (9000, 10, 1.0),
        (3000, 2000, 3.0),
    ],
)
def test_bad_or_oversized_regions_are_bad_requests(
    root: Path, width: int, height: int, scale: float
) -> None:
    with pytest.raises(BadRequest):
        engine.region(SLIDE, 0, 0, width, height, scale=scale)


def test_oversized_thumbnails_are_bad_requests(root: Path) -> None:
    with pytest.raises(BadRequest):
        engine.thumbnail(SLIDE, 10000, 0)
