"""The demo MIRAX slide: OpenSlide reads what mrxs_writer writes, the tile server serves it,
and the management command writes it beside the Aperio slides."""

from __future__ import annotations

import hashlib
import shutil
from io import StringIO
from pathlib import Path

import numpy as np
import openslide
import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw
from pytest_django.fixtures import Settings

from tileserver import engine
from tileserver.lib.demo_mrxs import DEMO_MRXS, SOURCE_SVS, make_demo_mrxs
from tileserver.lib.mrxs_writer import IMAGE_SIDE, write_mrxs


def test_openslide_reads_back_what_was_written(tmp_path: Path) -> None:
    picture = Image.new("RGB", (1100, 700), (242, 210, 226))
    ImageDraw.Draw(picture).rectangle((300, 200, 699, 399), fill=(90, 30, 120))
    files = write_mrxs(tmp_path / "x.mrxs", picture, mpp=0.5)

    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "x.mrxs",
        "x/Slidedat.ini",
        "x/Index.dat",
        "x/Data0000.dat",
    ]
    with openslide.OpenSlide(tmp_path / "x.mrxs") as osr:
        assert osr.properties[openslide.PROPERTY_NAME_VENDOR] == "mirax"
        assert osr.dimensions == (5 * IMAGE_SIDE, 3 * IMAGE_SIDE)  # whole grid images
        assert osr.level_downsamples == (1.0, 2.0, 4.0, 8.0)
        assert float(osr.properties[openslide.PROPERTY_NAME_MPP_X]) == 0.5
        for level in range(osr.level_count):
            scale = osr.level_downsamples[level]
            box = osr.read_region((300, 200), level, (round(400 / scale), round(200 / scale)))
            inner = np.asarray(box.convert("RGB"), np.int16)[2:-2, 2:-2]
            assert np.abs(inner - (90, 30, 120)).max() < 24, f"level {level}"
            outside = np.asarray(osr.read_region((50, 50), level, (8, 8)).convert("RGB"))
            assert np.abs(outside.astype(np.int16) - (242, 210, 226)).max() < 24


@pytest.mark.django_db
def test_the_tile_server_serves_the_demo_mrxs(
    tmp_path: Path, demo_slides_dir: Path, settings: Settings
) -> None:
    (tmp_path / SOURCE_SVS).parent.mkdir(parents=True)
    shutil.copyfile(demo_slides_dir / SOURCE_SVS, tmp_path / SOURCE_SVS)
    make_demo_mrxs(tmp_path, log=lambda line: None)
    settings.SLIDES_DIR = tmp_path

    folder = DEMO_MRXS.rpartition("/")[0]
    assert engine.slides(folder) == [DEMO_MRXS]
    assert engine.directories(folder) == []  # the data folder is part of the slide
    info = engine.slide_info(DEMO_MRXS)
    assert info.vendor == "mirax" and info.width > 1000
    assert [f.path.removeprefix(folder + "/") for f in engine.slide_files(DEMO_MRXS)] == [
        "CASE-003-C2.mrxs",
        "CASE-003-C2/Data0000.dat",
        "CASE-003-C2/Index.dat",
        "CASE-003-C2/Slidedat.ini",
    ]
    tile = engine.tile(DEMO_MRXS, 0, 0, info.max_zoom_level)
    assert tile.content_type == "image/jpeg"


def test_the_command_writes_it_the_same_every_time(tmp_path: Path) -> None:
    def written(directory: Path) -> dict[str, str]:
        call_command("make_demo_slides", str(directory), "--small", stdout=StringIO())
        mrxs = directory / DEMO_MRXS
        return {
            p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in [mrxs, *sorted(mrxs.with_suffix("").iterdir())]
        }

    first = written(tmp_path / "one")
    assert len(first) == 4
    assert written(tmp_path / "two") == first
