"""Files that are not slides, damaged slides and paths leading astray give clear errors."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from pmacore.errors import BadPath, BadRequest, SlideNotFound, TileServerError, UnreadableSlide
from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine

OPERATIONS: dict[str, Callable[[str], object]] = {
    "slide_info": engine.slide_info,
    "fingerprint": engine.fingerprint,
    "barcode_text": engine.barcode_text,
    "thumbnail": engine.thumbnail,
    "tile_native": lambda path: engine.tile(path, 0, 0, 3),
    "tile_whole": lambda path: engine.tile(path, 0, 0, 0),
    "region": lambda path: engine.region(path, 0, 0, 900, 900),
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("errors")
    slides = tmp_path / "slides"
    (slides / "r").mkdir(parents=True)
    write_aperio(slides / "r" / "good.svs", 1800, 1200, downsamples=(1, 4))
    (slides / "r" / "notes.svs").write_text("Just some notes, not a slide.\n")
    data = (slides / "r" / "good.svs").read_bytes()
    (slides / "r" / "truncated.svs").write_bytes(data[: len(data) * 3 // 10])
    (tmp_path / "secret.svs").write_bytes(data)
    os.symlink(tmp_path / "secret.svs", slides / "r" / "escape.svs")
    return slides


@pytest.fixture
def root(written: Path, settings: Settings) -> Path:
    settings.SLIDES_DIR = written
    return written


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_text_file_named_svs_is_unreadable_and_named(root: Path, operation: str) -> None:
    with pytest.raises(UnreadableSlide, match=r"r/notes\.svs") as caught:
        OPERATIONS[operation]("r/notes.svs")
    assert caught.value.status == 422
    assert "not a slide" in caught.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_truncated_slide_fails_cleanly_or_serves_what_is_intact(
    root: Path, operation: str
) -> None:
    try:
        OPERATIONS[operation]("r/truncated.svs")
    except UnreadableSlide as error:
        assert "r/truncated.svs" in error.message


@pytest.mark.django_db
def test_a_truncated_slide_fails_somewhere_with_a_clear_message(root: Path) -> None:
    failures = []
    for operation in OPERATIONS.values():
        try:
            operation("r/truncated.svs")
        except UnreadableSlide as error:
            failures.append(error.message)
    assert failures
    assert all("r/truncated.svs" in message for message in failures)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_missing_file_is_not_found(root: Path, operation: str) -> None:
    with pytest.raises(SlideNotFound, match=r"r/missing\.svs"):
        OPERATIONS[operation]("r/missing.svs")


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_symlink_leading_outside_is_refused(root: Path, operation: str) -> None:
    with pytest.raises(BadPath):
        OPERATIONS[operation]("r/escape.svs")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["../secret.svs", "r/../../secret.svs", "//etc/passwd", ""])
def test_paths_leaving_the_root_are_refused(root: Path, path: str) -> None:
    with pytest.raises((BadPath, BadRequest)):
        engine.slide_info(path)


def test_the_good_slide_next_to_them_still_works(root: Path) -> None:
    for name in ("r/notes.svs", "r/truncated.svs"):
        with contextlib.suppress(TileServerError):
            engine.tile(name, 0, 0, 3)
    assert engine.tile("r/good.svs", 0, 0, 3).data
