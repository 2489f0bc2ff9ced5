"""Fingerprints are computed once per file version and kept in the database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine
from tileserver import slides as slide_io
from tileserver.models import SlideFingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(settings: Settings, tmp_path: Path) -> Path:
    (tmp_path / "r").mkdir()
    write_aperio(tmp_path / "r" / "a.svs", 600, 400, seed=1)
    settings.SLIDES_DIR = tmp_path
    slide_io.clear_handles()
    return tmp_path


def test_an_unchanged_slide_is_not_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = engine.fingerprint("r/a.svs")
    assert SlideFingerprint.objects.get(path="r/a.svs").fingerprint == first

    def no_reading(*args: object) -> None:
        raise AssertionError("the slide was opened again")

    monkeypatch.setattr(slide_io, "open_slide", no_reading)
    assert engine.fingerprint("r/a.svs") == first


def test_a_changed_file_is_fingerprinted_again(root: Path) -> None:
    before = engine.fingerprint("r/a.svs")
    write_aperio(root / "r" / "a.svs", 600, 400, seed=2)
    stat = (root / "r" / "a.svs").stat()
    os.utime(root / "r" / "a.svs", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = engine.fingerprint("r/a.svs")
    assert after != before
    assert SlideFingerprint.objects.get(path="r/a.svs").fingerprint == after


def test_a_touched_file_is_checked_again_and_keeps_its_fingerprint(root: Path) -> None:
    before = engine.fingerprint("r/a.svs")
    os.utime(root / "r" / "a.svs", ns=(0, 10**18))
    assert engine.fingerprint("r/a.svs") == before
    assert SlideFingerprint.objects.get(path="r/a.svs").mtime_ns == 10**18


def test_a_copy_has_the_same_fingerprint_and_its_own_entry(root: Path) -> None:
    shutil.copy(root / "r" / "a.svs", root / "r" / "copy.svs")
    assert engine.fingerprint("r/copy.svs") == engine.fingerprint("r/a.svs")
    assert SlideFingerprint.objects.count() == 2


def test_slide_info_gives_the_kept_fingerprint(root: Path) -> None:
    SlideFingerprint.objects.create(
        path="r/a.svs",
        size=(root / "r" / "a.svs").stat().st_size,
        mtime_ns=(root / "r" / "a.svs").stat().st_mtime_ns,
        fingerprint="kept-for-this-version",
    )
    assert engine.slide_info("r/a.svs").fingerprint == "kept-for-this-version"
