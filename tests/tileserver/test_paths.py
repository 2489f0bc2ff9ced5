"""Virtual paths map to real paths strictly inside the slides root, or are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmacore.errors import BadPath, DirectoryNotFound, SlideNotFound
from tileserver.lib import paths


@pytest.fixture
def root(tmp_path: Path) -> Path:
    slides = tmp_path / "slides"
    (slides / "cases" / "breast").mkdir(parents=True)
    (slides / "cases" / "breast" / "a.svs").write_bytes(b"slide")
    (slides / "cases" / ".hidden.svs").write_bytes(b"slide")
    (tmp_path / "secret.svs").write_bytes(b"outside")
    return paths.resolved_root(slides)


def test_it_maps_a_virtual_path_inside_the_root(root: Path) -> None:
    assert paths.slide_file(root, "cases/breast/a.svs") == root / "cases" / "breast" / "a.svs"


def test_it_tolerates_one_leading_slash(root: Path) -> None:
    assert paths.slide_file(root, "/cases/breast/a.svs") == root / "cases" / "breast" / "a.svs"


@pytest.mark.parametrize("path", ["cases/breast/", "cases/breast\\", "/cases/breast"])
def test_folders_tolerate_a_trailing_separator(root: Path, path: str) -> None:
    assert paths.folder(root, path) == root / "cases" / "breast"


def test_the_empty_folder_path_is_the_root(root: Path) -> None:
    assert paths.folder(root, "") == root
    assert paths.folder(root, "/") == root


@pytest.mark.parametrize(
    "path",
    [
        "../secret.svs",
        "cases/../../secret.svs",
        "cases/./breast/a.svs",
        "//etc/passwd",
        "C:/Windows/win.ini",
        "cases\\breast\\a.svs",
        "cases/..%2f..%2fsecret.svs",
        "cases%2F..%2Fsecret.svs",
        "cases%5c..%5csecret.svs",
        "%2e%2e/secret.svs",
        "cases/breast/a.svs\x00.txt",
        "cases//breast/a.svs",
    ],
)
def test_it_refuses_paths_that_try_to_escape_or_are_malformed(root: Path, path: str) -> None:
    with pytest.raises(BadPath) as caught:
        paths.slide_file(root, path)
    assert caught.value.message


def test_it_refuses_a_symlink_leading_outside(root: Path) -> None:
    os.symlink(root.parent / "secret.svs", root / "cases" / "escape.svs")
    with pytest.raises(BadPath, match="outside"):
        paths.slide_file(root, "cases/escape.svs")


def test_it_refuses_a_symlinked_folder_leading_outside(root: Path) -> None:
    os.symlink(root.parent, root / "cases" / "up")
    with pytest.raises(BadPath):
        paths.folder(root, "cases/up")
    with pytest.raises(BadPath):
        paths.slide_file(root, "cases/up/secret.svs")


def test_it_follows_a_symlink_that_stays_inside(root: Path) -> None:
    os.symlink(root / "cases" / "breast" / "a.svs", root / "cases" / "alias.svs")
    assert paths.slide_file(root, "cases/alias.svs") == root / "cases" / "breast" / "a.svs"


def test_missing_slides_and_folders_are_not_found(root: Path) -> None:
    with pytest.raises(SlideNotFound):
        paths.slide_file(root, "cases/breast/missing.svs")
    with pytest.raises(SlideNotFound):
        paths.slide_file(root, "cases/breast")  # a folder is not a slide
    with pytest.raises(DirectoryNotFound):
        paths.folder(root, "cases/missing")
    with pytest.raises(DirectoryNotFound):
        paths.folder(root, "cases/breast/a.svs")  # a file is not a folder


def test_hidden_files_are_not_found(root: Path) -> None:
    with pytest.raises(SlideNotFound):
        paths.slide_file(root, "cases/.hidden.svs")


def test_clean_virtual_gives_the_canonical_form() -> None:
    assert paths.clean_virtual("/cases/a.svs") == "cases/a.svs"
    assert paths.clean_virtual("cases/sub/", folder=True) == "cases/sub"
    assert paths.clean_virtual("", folder=True) == ""
    with pytest.raises(BadPath):
        paths.clean_virtual("cases/a.svs/")  # a slide path has no trailing slash


def test_join_builds_virtual_paths() -> None:
    assert paths.join("", "cases") == "cases"
    assert paths.join("cases", "a.svs") == "cases/a.svs"
