"""The demo slides: Aperio files OpenSlide opens, with tissue, barcode label and macro."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import numpy as np
import openslide
import pytest
import tifffile
import zxingcpp
from django.core.management import call_command

from tileserver.lib.demo_slides import DEMO_SLIDES, demo_slide_paths, make_demo_slides
from tileserver.lib.svs_writer import TILE_SIZE

SLIDES = {slide.path: slide for slide in DEMO_SLIDES}


@pytest.fixture(params=demo_slide_paths())
def slide_path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_slide(directory: Path, path: str) -> openslide.OpenSlide:
    return openslide.OpenSlide(directory / path)


def digests(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*.svs"))
    }


def test_it_writes_at_least_six_slides_in_nested_roots(demo_slides_dir: Path) -> None:
    paths = demo_slide_paths()
    assert len(paths) >= 6
    assert {path.split("/")[0] for path in paths} == {"demo", "teaching"}
    for path in paths:
        assert (demo_slides_dir / path).is_file()
    assert not list(demo_slides_dir.rglob("*.partial"))


def test_openslide_opens_it_as_aperio(demo_slides_dir: Path, slide_path: str) -> None:
    slide = SLIDES[slide_path]
    with open_slide(demo_slides_dir, slide_path) as osr:
        props = osr.properties
        assert props[openslide.PROPERTY_NAME_VENDOR] == "aperio"
        assert float(props[openslide.PROPERTY_NAME_MPP_X]) == slide.mpp
        assert float(props[openslide.PROPERTY_NAME_MPP_Y]) == slide.mpp
        assert props[openslide.PROPERTY_NAME_OBJECTIVE_POWER] == str(slide.objective_power)
        assert osr.dimensions == slide.dimensions(small=True)


def test_levels_are_downsampled_by_four(demo_slides_dir: Path, slide_path: str) -> None:
    with open_slide(demo_slides_dir, slide_path) as osr:
        assert osr.level_count >= 3
        for level, downsample in enumerate(osr.level_downsamples):
            assert downsample == pytest.approx(4**level, rel=0.02)
        assert osr.level_dimensions == tuple(SLIDES[slide_path].level_dimensions(small=True))
        assert int(osr.properties["openslide.level[0].tile-width"]) == TILE_SIZE
        assert int(osr.properties["openslide.level[0].tile-height"]) == TILE_SIZE


def test_it_has_thumbnail_label_and_macro(demo_slides_dir: Path, slide_path: str) -> None:
    with open_slide(demo_slides_dir, slide_path) as osr:
        images = osr.associated_images
        assert {"thumbnail", "label", "macro"} <= set(images)
        macro = images["macro"]
        assert macro.width > 2 * macro.height  # the whole glass slide, label at one end


def test_the_label_barcode_decodes_to_the_barcode_property(
    demo_slides_dir: Path, slide_path: str
) -> None:
    with open_slide(demo_slides_dir, slide_path) as osr:
        decoded = zxingcpp.read_barcodes(osr.associated_images["label"])
        barcode = osr.properties["aperio.Barcode"]
    assert [result.text for result in decoded] == [SLIDES[slide_path].barcode]
    assert barcode == SLIDES[slide_path].barcode


def test_the_tiff_layout_is_aperio_with_shared_jpeg_tables(demo_slides_dir: Path) -> None:
    with tifffile.TiffFile(demo_slides_dir / demo_slide_paths()[0]) as tif:
        pages = list(tif.pages)
        assert pages[0].description.startswith("Aperio")
        assert pages[0].is_tiled and not pages[1].is_tiled  # level 0, then the thumbnail
        assert [page.is_tiled for page in pages[2:-2]] == [True] * (len(pages) - 4)
        label, macro = pages[-2], pages[-1]
        assert label.description.splitlines()[1].startswith("label ")
        assert macro.description.splitlines()[1].startswith("macro ")
        assert (label.tags["NewSubfileType"].value, macro.tags["NewSubfileType"].value) == (1, 9)
        for page in [pages[0], *pages[2:-2]]:
            assert page.compression == tifffile.COMPRESSION.JPEG
            assert page.photometric == tifffile.PHOTOMETRIC.YCBCR
            assert page.jpegtables is not None
            assert (page.tilewidth, page.tilelength) == (TILE_SIZE, TILE_SIZE)


def tissue_pixels(osr: openslide.OpenSlide) -> np.ndarray:
    """The 512 x 512 level-0 region with the most tissue (found on level 1), as RGB."""
    overview = np.asarray(osr.read_region((0, 0), 1, osr.level_dimensions[1]))[..., :3]
    darkness = 765 - overview.astype(int).sum(axis=-1)
    box = 512 // 4
    summed = np.cumsum(np.cumsum(np.pad(darkness, ((1, 0), (1, 0))), axis=0), axis=1)
    windows = summed[box:, box:] - summed[:-box, box:] - summed[box:, :-box] + summed[:-box, :-box]
    top, left = np.unravel_index(np.argmax(windows), windows.shape)
    region = osr.read_region((int(left) * 4, int(top) * 4), 0, (512, 512))
    return np.asarray(region)[..., :3].astype(float)


def test_tissue_is_textured_and_stained(demo_slides_dir: Path, slide_path: str) -> None:
    with open_slide(demo_slides_dir, slide_path) as osr:
        pixels = tissue_pixels(osr)
    red, green, blue = (pixels[..., channel].mean() for channel in range(3))
    assert red > green + 15 and blue > green + 15  # pink and purple, not grey or green
    assert pixels.std(axis=(0, 1)).mean() > 12  # texture, not flat colour
    darkest = pixels.sum(axis=-1) < 450
    assert darkest.any()  # hematoxylin nuclei


def test_background_is_white_glass(demo_slides_dir: Path, slide_path: str) -> None:
    with open_slide(demo_slides_dir, slide_path) as osr:
        corner = np.asarray(osr.read_region((0, 0), 0, (96, 96)))[..., :3].astype(float)
    assert corner.min() > 230
    assert corner.std() < 2


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path, demo_slides_dir: Path) -> None:
    make_demo_slides(tmp_path, small=True, log=lambda line: None)
    assert digests(tmp_path) == digests(demo_slides_dir)


def test_another_seed_writes_other_slides(tmp_path: Path, demo_slides_dir: Path) -> None:
    make_demo_slides(tmp_path, seed=1, small=True, log=lambda line: None)
    ours, theirs = digests(tmp_path), digests(demo_slides_dir)
    assert ours.keys() == theirs.keys()
    assert all(ours[name] != theirs[name] for name in ours)


def test_it_skips_existing_slides_unless_forced(tmp_path: Path) -> None:
    first = make_demo_slides(tmp_path, small=True, log=lambda line: None)
    target = first[0]
    target.write_bytes(b"kept")
    lines: list[str] = []
    again = make_demo_slides(tmp_path, small=True, log=lines.append)
    assert again == first
    assert target.read_bytes() == b"kept"
    assert sum(line.startswith("skipped") for line in lines) == len(first)

    make_demo_slides(tmp_path, small=True, force=True, log=lines.append)
    assert target.read_bytes() != b"kept"


def test_the_management_command_writes_the_slides(tmp_path: Path) -> None:
    out = StringIO()
    call_command("make_demo_slides", str(tmp_path), "--small", "--seed", "3", stdout=out)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.svs")) == sorted(
        demo_slide_paths()
    )
    assert "wrote demo/breast/CASE-001/CASE-001-A1.svs" in out.getvalue()


def test_the_full_size_catalogue_has_a_big_slide() -> None:
    sizes = [slide.dimensions() for slide in DEMO_SLIDES]
    assert max(sizes) >= (40000, 30000)
    assert len({round(width / height, 2) for width, height in sizes}) >= 4
    for slide in DEMO_SLIDES:
        levels = slide.level_dimensions()
        assert max(levels[-1]) < 1000 <= max(levels[-2])
