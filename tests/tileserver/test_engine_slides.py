"""Slide information, UIDs, fingerprints, barcodes and the files of a slide."""

from __future__ import annotations

import re
import shutil
from datetime import UTC
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from pmacore.errors import SlideNotFound
from tests.pmacore.test_labels import label_with_codes
from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine
from tileserver.slides import max_zoom_level


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    slides = tmp_path_factory.mktemp("slides")
    (slides / "cases").mkdir()
    write_aperio(slides / "cases" / "big.svs", 3000, 2000, downsamples=(1, 4, 16), macro=True)
    write_aperio(slides / "cases" / "plain.svs", 600, 400, label=False, barcode="", seed=7)
    two = label_with_codes(("S-2026-00042",), ("BLOCK-A1",))
    write_aperio(slides / "cases" / "two.svs", 600, 400, label_image=two, barcode="", seed=8)
    return slides


@pytest.fixture
def root(written: Path, settings: Settings) -> Path:
    settings.SLIDES_DIR = written
    return written


@pytest.mark.django_db
def test_slide_info_describes_the_slide(root: Path) -> None:
    info = engine.slide_info("cases/big.svs")
    assert info.path == "cases/big.svs"
    assert (info.width, info.height) == (3000, 2000)
    assert info.tile_size == 256
    assert info.max_zoom_level == 4  # ceil(log2(3000 / 256)) = ceil(3.55)
    assert info.mpp_x == pytest.approx(0.499)
    assert info.mpp_y == pytest.approx(0.499)
    assert info.objective_power == 20
    assert info.vendor == "aperio"
    assert info.file_format == "Aperio SVS"
    assert info.physical_size == (root / "cases" / "big.svs").stat().st_size
    assert info.last_modified.tzinfo == UTC
    assert info.associated_images == ("Thumbnail", "Barcode", "Macro")
    assert info.background_color == "ffffff"
    metadata = dict(info.metadata)
    assert metadata["fileformat"] == "Aperio SVS"
    assert metadata["compression"] == "JPEG"
    assert re.fullmatch(r"[A-Z0-9]{10}", info.uid)


@pytest.mark.django_db
def test_a_slide_without_label_lists_only_its_thumbnail(root: Path) -> None:
    assert engine.slide_info("cases/plain.svs").associated_images == ("Thumbnail",)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(256, 256, 0), (100, 30, 0), (257, 10, 1), (512, 512, 1), (46000, 32914, 8), (1500, 1100, 3)],
)
def test_max_zoom_level_is_ceil_log2_of_the_longest_side_in_tiles(
    width: int, height: int, expected: int
) -> None:
    assert max_zoom_level(width, height) == expected


@pytest.mark.django_db
def test_a_uid_names_the_same_slide_as_its_path(root: Path) -> None:
    uid = engine.uid("cases/big.svs")
    assert engine.uid("/cases/big.svs") == uid
    assert engine.resolve_slide(uid) == "cases/big.svs"
    assert engine.slide_info(uid).path == "cases/big.svs"
    assert engine.slide_info(uid).uid == uid
    assert engine.uid("cases/plain.svs") != uid


@pytest.mark.django_db
def test_unknown_uids_and_paths_are_not_found(root: Path) -> None:
    with pytest.raises(SlideNotFound):
        engine.resolve_slide("ZZZZZZZZZ9")
    with pytest.raises(SlideNotFound):
        engine.uid("cases/missing.svs")


@pytest.mark.django_db
def test_the_fingerprint_survives_copy_and_rename(root: Path, tmp_path: Path) -> None:
    original = engine.fingerprint("cases/big.svs")
    assert re.fullmatch(r"[A-Za-z0-9_-]{28}", original)
    (root / "copies").mkdir(exist_ok=True)
    shutil.copy(root / "cases" / "big.svs", root / "copies" / "renamed.svs")
    assert engine.fingerprint("copies/renamed.svs") == original
    assert engine.fingerprint("cases/plain.svs") != original


@pytest.mark.django_db
def test_the_fingerprint_follows_the_content(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    settings.SLIDES_DIR = tmp_path
    write_aperio(tmp_path / "r" / "a.svs", 600, 400, seed=1)
    before = engine.fingerprint("r/a.svs")
    write_aperio(tmp_path / "r" / "a.svs", 600, 400, seed=2)
    assert engine.fingerprint("r/a.svs") != before


def test_barcode_text_comes_from_the_label_or_is_empty(root: Path) -> None:
    assert engine.barcode_text("cases/big.svs") == "SYN-0001"
    assert engine.barcode_text("cases/plain.svs") == ""
    assert engine.barcodes("cases/plain.svs") == []


def test_a_label_with_two_barcodes_gives_the_first_and_lists_both(root: Path) -> None:
    assert engine.barcode_text("cases/two.svs") == "S-2026-00042"
    assert engine.barcodes("cases/two.svs") == ["S-2026-00042", "BLOCK-A1"]


def test_the_recorded_barcode_comes_before_the_label_ones(root: Path) -> None:
    # big.svs records SYN-0001; its label (a bar, no code) adds nothing.
    assert engine.barcodes("cases/big.svs") == ["SYN-0001"]


def test_a_single_file_slide_has_one_file(root: Path) -> None:
    files = engine.slide_files("cases/big.svs")
    assert [file.path for file in files] == ["cases/big.svs"]
    assert files[0].size == (root / "cases" / "big.svs").stat().st_size
    assert files[0].last_modified.tzinfo == UTC


def test_an_mrxs_slide_includes_its_data_folder(settings: Settings, tmp_path: Path) -> None:
    settings.SLIDES_DIR = tmp_path
    data = tmp_path / "r" / "CMU-1"
    data.mkdir(parents=True)
    (tmp_path / "r" / "CMU-1.mrxs").write_bytes(b"[GENERAL]")
    (data / "Slidedat.ini").write_bytes(b"ini")
    (data / "Data0000.dat").write_bytes(b"0" * 725)
    files = engine.slide_files("r/CMU-1.mrxs")
    assert [(file.path, file.size) for file in files] == [
        ("r/CMU-1.mrxs", 9),
        ("r/CMU-1/Data0000.dat", 725),
        ("r/CMU-1/Slidedat.ini", 3),
    ]
