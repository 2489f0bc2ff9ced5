"""Annotated regions written out at full resolution as slides of their own."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import numpy as np
import openslide
import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from pmacore.errors import BadRequest
from pmacore.types import AnnotationDraft
from tileserver import annotations, engine, regions
from tileserver.regions import Region

pytestmark = pytest.mark.django_db

SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"


@pytest.fixture
def writable_slides(settings: Settings, demo_slides_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo_slides_dir, tmp_path, dirs_exist_ok=True)
    settings.SLIDES_DIR = tmp_path
    return tmp_path


def pixels(path: Path, x: int, y: int, width: int, height: int) -> np.ndarray:
    image = openslide.OpenSlide(path).read_region((x, y), 0, (width, height))
    return np.asarray(image.convert("RGB")).astype(int)


def test_a_region_becomes_a_slide_with_the_same_pixels_and_mpp(writable_slides: Path) -> None:
    source = engine.slide_info(SLIDE)
    region = Region(300, 200, 1500, 700)
    target = regions.extract(SLIDE, region, regions.target_path(SLIDE, "annotation-7"))
    assert target == "regions/demo/breast/CASE-001/CASE-001-A1-annotation-7.svs"
    written = openslide.OpenSlide(writable_slides / target)
    assert written.dimensions == (1500, 700)
    assert written.level_count >= 2  # pyramidal
    assert float(written.properties["openslide.mpp-x"]) == pytest.approx(source.mpp_x)
    # JPEG again, so not bit for bit: but the same tissue, pixel for pixel.
    difference = pixels(writable_slides / target, 0, 0, 600, 400) - pixels(
        writable_slides / SLIDE, 300, 200, 600, 400
    )
    assert np.abs(difference).mean() < 3
    # The embedded tile server serves it as a slide of its own.
    assert target in engine.slides("regions/demo/breast/CASE-001")
    info = engine.slide_info(target)
    assert (info.width, info.height, info.mpp_x) == (1500, 700, source.mpp_x)


def test_progress_counts_every_tile_of_every_level(writable_slides: Path) -> None:
    seen: list[tuple[int, int]] = []
    regions.extract(
        SLIDE, Region(0, 0, 1100, 600), "regions/x.svs", progress=lambda d, t: seen.append((d, t))
    )
    total = seen[0][1]
    assert [done for done, _ in seen] == list(range(1, total + 1))
    assert total == 5 * 3 + 2 * 1  # level 0 in 256 px tiles, then 275 x 150


def test_an_annotations_region_is_its_bounding_box_clipped_to_the_slide(
    writable_slides: Path,
) -> None:
    info = engine.slide_info(SLIDE)
    item = _annotation("POLYGON ((-50 10.5, 120.2 10.5, 120.2 80, -50 80, -50 10.5))")
    assert regions.region_of(item, info.width, info.height) == Region(0, 10, 121, 70)
    outside = _annotation(f"POINT ({info.width + 10} 5)")
    with pytest.raises(BadRequest, match="covers no pixel"):
        regions.region_of(outside, info.width, info.height)


def test_a_huge_region_is_refused_before_anything_is_written(writable_slides: Path) -> None:
    with pytest.raises(BadRequest, match="too large"):
        regions.extract(SLIDE, Region(0, 0, 60_000, 60_000), "regions/huge.svs")
    assert not (writable_slides / "regions").exists()


def test_the_command_extracts_the_annotations_of_a_class(
    writable_slides: Path, django_user_model: type[AbstractUser]
) -> None:
    user = django_user_model.objects.create_user("marker")
    square = "POLYGON ((100 100, 400 100, 400 300, 100 300, 100 100))"
    tumour, stroma = annotations.save(
        user,
        SLIDE,
        added=[AnnotationDraft(square, "Tumor"), AnnotationDraft("POINT (50 60)", "Stroma")],
    )
    out = StringIO()
    call_command("extract_regions", SLIDE, "--class", "Tumor", stdout=out, stderr=StringIO())
    [written] = out.getvalue().split()
    assert written.endswith(f"CASE-001-A1-annotation-{tumour}.svs")
    assert openslide.OpenSlide(writable_slides / written).dimensions == (300, 200)
    with pytest.raises(CommandError, match=f"no annotation {stroma + 100}"):
        call_command("extract_regions", SLIDE, "--annotation", str(stroma + 100), stderr=StringIO())


def _annotation(geometry: str) -> annotations.Annotation:
    return annotations.Annotation(
        id=1,
        layer_id=0,
        geometry=geometry,
        classification="",
        notes="",
        color="",
        fill_color="",
        line_thickness=1,
        slide_path=SLIDE,
        fingerprint="",
        dimensions=2,
        created_by="",
        created_on=None,  # type: ignore[arg-type]
        modified_by="",
        modified_on=None,  # type: ignore[arg-type]
    )
