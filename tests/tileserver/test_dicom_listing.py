"""A DICOM series is one slide in a folder's listing, by its main file (the first of its
files by name), however many instances (files) it has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.dicom_files import write_series
from tests.tileserver.transfer_fixtures import DICOM_SERIES, needs_dicom
from tileserver import engine
from tileserver import slides as slide_io

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(settings: Settings, tmp_path: Path) -> Path:
    (tmp_path / "lab" / "dicom").mkdir(parents=True)
    settings.SLIDES_DIR = tmp_path
    slide_io.clear_handles()
    return tmp_path


def test_each_series_is_listed_once_by_its_first_file(root: Path) -> None:
    folder = root / "lab" / "dicom"
    write_series(folder, ["level-2.dcm", "level-0.dcm", "level-1.dcm"])
    write_series(folder, ["other.dcm"])
    (folder / "broken.dcm").write_bytes(b"not a DICOM file")
    (folder / "notes.svs").write_bytes(b"listed by name, as any slide file")
    assert engine.slides("lab/dicom") == [
        "lab/dicom/broken.dcm",
        "lab/dicom/level-0.dcm",
        "lab/dicom/notes.svs",
        "lab/dicom/other.dcm",
    ]
    assert engine.find_slides("lab", "level") == ["lab/dicom/level-0.dcm"]


def test_the_listed_file_opens_the_whole_series(root: Path) -> None:
    needs_dicom()
    (root / "lab" / "boxes").mkdir()
    for source in DICOM_SERIES.iterdir():  # the files only: the originals are read-only
        shutil.copyfile(source, root / "lab" / "boxes" / source.name)
    assert engine.slides("lab/boxes") == ["lab/boxes/boxes_0.dcm"]
    info = engine.slide_info("lab/boxes/boxes_0.dcm")
    assert info.vendor == "dicom"
    names = [file.path for file in engine.slide_files("lab/boxes/boxes_0.dcm")]
    assert names == ["lab/boxes/boxes_0.dcm", "lab/boxes/boxes_1.dcm"]
    # A link made to another file of the series still opens it.
    assert engine.slide_info("lab/boxes/boxes_1.dcm").width == info.width
