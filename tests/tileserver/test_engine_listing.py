"""Listing root directories, folders and slides: by name only, sorted naturally, safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from pmacore.errors import BadPath, DirectoryNotFound
from tileserver import engine


@pytest.fixture
def root(tmp_path: Path, settings: Settings) -> Path:
    slides = tmp_path / "slides"
    for folder in ["cases/CASE-10", "cases/CASE-2", "cases/CASE-1/deeper", "teaching", ".trash"]:
        (slides / folder).mkdir(parents=True)
    for name in ["CASE-10.svs", "CASE-2.svs", "case-3.NDPI", "notes.txt", ".hidden.svs"]:
        (slides / "cases" / name).write_bytes(b"not opened for listing")
    (slides / "cases" / "CASE-1" / "deeper" / "Breast-Biopsy.tiff").write_bytes(b"x")
    (slides / "cases" / "CMU-1.mrxs").write_bytes(b"x")
    (slides / "cases" / "CMU-1").mkdir()
    (slides / "cases" / "CMU-1" / "Data0000.dat").write_bytes(b"x")
    (slides / "loose.svs").write_bytes(b"x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "leak.svs").write_bytes(b"x")
    settings.SLIDES_DIR = slides
    return slides


def test_root_directories_are_the_visible_top_level_folders(root: Path) -> None:
    assert engine.root_directories() == ["cases", "teaching"]


def test_directories_of_the_empty_path_are_the_roots(root: Path) -> None:
    assert engine.directories("") == engine.root_directories()
    assert engine.directories("/") == ["cases", "teaching"]


def test_directories_are_full_virtual_paths_in_natural_order(root: Path) -> None:
    assert engine.directories("cases") == ["cases/CASE-1", "cases/CASE-2", "cases/CASE-10"]
    assert engine.directories("cases/") == engine.directories("cases")
    assert engine.directories("cases\\") == engine.directories("cases")


def test_slides_are_chosen_by_extension_and_sorted_naturally(root: Path) -> None:
    assert engine.slides("cases") == [
        "cases/CASE-2.svs",
        "cases/case-3.NDPI",
        "cases/CASE-10.svs",
        "cases/CMU-1.mrxs",
    ]


def test_an_mrxs_data_folder_is_part_of_its_slide_not_a_folder(root: Path) -> None:
    assert "cases/CMU-1" not in engine.directories("cases")


def test_files_directly_in_the_slides_root_belong_to_no_root(root: Path) -> None:
    assert engine.slides("") == []


def test_find_slides_matches_substrings_below_a_folder_case_insensitively(root: Path) -> None:
    assert engine.find_slides("cases", "breast") == ["cases/CASE-1/deeper/Breast-Biopsy.tiff"]
    assert engine.find_slides("", "case-") == [
        "cases/CASE-1/deeper/Breast-Biopsy.tiff",
        "cases/CASE-2.svs",
        "cases/case-3.NDPI",
        "cases/CASE-10.svs",
    ]
    assert engine.find_slides("teaching", "case") == []


def test_symlinks_leading_outside_are_not_listed(root: Path) -> None:
    outside = root.parent / "outside"
    os.symlink(outside, root / "cases" / "linked-folder")
    os.symlink(outside / "leak.svs", root / "cases" / "leak.svs")
    assert "cases/linked-folder" not in engine.directories("cases")
    assert "cases/leak.svs" not in engine.slides("cases")
    assert engine.find_slides("", "leak") == []


def test_symlinks_staying_inside_are_listed(root: Path) -> None:
    os.symlink(root / "teaching", root / "cases" / "teaching-link")
    assert "cases/teaching-link" in engine.directories("cases")


def test_find_slides_survives_a_symlink_loop(root: Path) -> None:
    os.symlink(root / "cases", root / "cases" / "CASE-1" / "loop")
    assert engine.find_slides("cases", "case-2") == ["cases/CASE-2.svs"]


def test_missing_folders_are_not_found(root: Path) -> None:
    with pytest.raises(DirectoryNotFound):
        engine.directories("cases/missing")
    with pytest.raises(DirectoryNotFound):
        engine.slides("missing")
    with pytest.raises(DirectoryNotFound):
        engine.find_slides("missing", "x")
    with pytest.raises(DirectoryNotFound):
        engine.slides(".trash")


def test_listing_refuses_paths_leaving_the_root(root: Path) -> None:
    with pytest.raises(BadPath):
        engine.directories("..")
    with pytest.raises(BadPath):
        engine.slides("cases/../..")


def test_slides_dir_is_read_on_every_call(root: Path, settings: Settings, tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "elsewhere").mkdir(parents=True)
    settings.SLIDES_DIR = other
    assert engine.root_directories() == ["elsewhere"]


def test_a_missing_slides_dir_has_no_roots(settings: Settings, tmp_path: Path) -> None:
    settings.SLIDES_DIR = tmp_path / "nowhere"
    assert engine.root_directories() == []


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["CASE-10", "case-2", "CASE-1", "CASE-2b"]
    assert sorted(names, key=engine.natural_key) == ["CASE-1", "case-2", "CASE-2b", "CASE-10"]
