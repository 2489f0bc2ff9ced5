"""The engine on the project's demo slides (realistic Aperio SVS written by make_demo_slides).

Slides are picked by listing, not by name. Skipped while the `demo_slides_dir` fixture is
not there.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openslide
import pytest
from PIL import Image
from pytest_django.fixtures import Settings

from tileserver import engine


@pytest.fixture
def demo_slide(request: pytest.FixtureRequest, settings: Settings) -> str:
    try:
        root: Path = request.getfixturevalue("demo_slides_dir")
    except pytest.FixtureLookupError:
        pytest.skip("the demo_slides_dir fixture does not exist yet")
    settings.SLIDES_DIR = root
    found = engine.find_slides("", ".svs")
    assert found, "the demo slides hold no .svs slide"
    return found[0]


@pytest.mark.django_db
def test_demo_slides_are_aperio_with_associated_images(demo_slide: str) -> None:
    info = engine.slide_info(demo_slide)
    assert info.vendor == "aperio"
    assert info.file_format == "Aperio SVS"
    assert info.max_zoom_level >= 1
    assert "Barcode" in info.associated_images
    assert engine.barcode_text(demo_slide) != ""
    assert Image.open(io.BytesIO(engine.label(demo_slide).data)).format == "JPEG"
    assert Image.open(io.BytesIO(engine.thumbnail(demo_slide, 200, 0).data)).width == 200


def test_demo_slides_pass_stored_tiles_through_in_true_colours(
    demo_slide: str, settings: Settings
) -> None:
    _, slide = engine._open(demo_slide)
    z = slide.max_zoom
    image, source = engine.tile_with_source(demo_slide, 0, 0, z)
    assert source == "passthrough"
    ours = np.asarray(Image.open(io.BytesIO(image.data)).convert("RGB")).astype(int)
    with openslide.OpenSlide(Path(settings.SLIDES_DIR) / demo_slide) as reference:
        region = reference.read_region((0, 0), 0, (256, 256)).convert("RGB")
    difference = np.abs(ours - np.asarray(region).astype(int)).mean(axis=(0, 1))
    assert (difference < 8).all(), difference
