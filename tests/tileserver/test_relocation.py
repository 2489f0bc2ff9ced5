"""Slides found again by fingerprint after a move or rename (tileserver/relocation.py), and
the tile server's GetSlidesByFingerprint that answers it to a studio over HTTP."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine, relocation
from tileserver import slides as slide_io
from tileserver.models import SlideFingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(settings: Settings, tmp_path: Path) -> Path:
    (tmp_path / "r" / "a").mkdir(parents=True)
    (tmp_path / "r" / "others").mkdir()
    write_aperio(tmp_path / "r" / "a" / "moving.svs", 600, 400, seed=1)
    write_aperio(tmp_path / "r" / "others" / "small.svs", 300, 200, seed=2)
    write_aperio(tmp_path / "r" / "others" / "large.svs", 900, 700, seed=3)
    settings.SLIDES_DIR = tmp_path
    slide_io.clear_handles()
    cache.clear()  # no search of another test remembered
    return tmp_path


def opened_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The virtual paths of the slides OpenSlide is asked to open from now on."""
    opened: list[str] = []
    real_open = slide_io.open_slide

    def counting(real: Path, virtual: str) -> slide_io.OpenedSlide:
        opened.append(virtual)
        return real_open(real, virtual)

    monkeypatch.setattr(slide_io, "open_slide", counting)
    return opened


def test_a_moved_slide_is_found_opening_only_slides_of_its_size(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = engine.fingerprint("r/a/moving.svs")
    engine.fingerprint("r/others/small.svs")
    (root / "r" / "b").mkdir()
    os.replace(root / "r" / "a" / "moving.svs", root / "r" / "b" / "moved.svs")
    opened = opened_paths(monkeypatch)

    assert relocation.slides_with_fingerprint(fingerprint) == ["r/b/moved.svs"]
    assert opened == ["r/b/moved.svs"]  # neither the other slides nor the old path
    # Remembered: found the next time without a walk.
    assert SlideFingerprint.objects.get(path="r/b/moved.svs").fingerprint == fingerprint
    assert relocation.slides_with_fingerprint(fingerprint) == ["r/b/moved.svs"]
    assert opened == ["r/b/moved.svs"]


def test_copies_are_all_found(root: Path) -> None:
    fingerprint = engine.fingerprint("r/a/moving.svs")
    shutil.copy(root / "r" / "a" / "moving.svs", root / "r" / "others" / "copy.svs")
    engine.fingerprint("r/others/copy.svs")
    found = relocation.slides_with_fingerprint(fingerprint)
    assert found == ["r/a/moving.svs", "r/others/copy.svs"]


def test_a_removed_slide_and_an_unknown_fingerprint_find_nothing(root: Path) -> None:
    fingerprint = engine.fingerprint("r/a/moving.svs")
    (root / "r" / "a" / "moving.svs").unlink()
    assert relocation.slides_with_fingerprint(fingerprint) == []
    assert relocation.slides_with_fingerprint("never-seen") == []


def test_a_search_that_found_nothing_does_not_walk_the_folders_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = engine.fingerprint("r/a/moving.svs")
    (root / "r" / "a" / "moving.svs").unlink()
    walks: list[str] = []
    real_find = engine.find_slides

    def counting(path: str, pattern: str) -> list[str]:
        walks.append(path)
        return real_find(path, pattern)

    monkeypatch.setattr(engine, "find_slides", counting)
    for _ in range(3):
        assert relocation.slides_with_fingerprint(fingerprint) == []
    assert len(walks) == 1
    cache.clear()  # MISSING_SECONDS later
    assert relocation.slides_with_fingerprint(fingerprint) == []
    assert len(walks) == 2


def test_the_api_answers_where_a_slide_went(
    root: Path, api_client: Client, session_id: str
) -> None:
    fingerprint = engine.fingerprint("r/a/moving.svs")
    os.replace(root / "r" / "a" / "moving.svs", root / "r" / "a" / "renamed.svs")
    url = "/core/api/json/GetSlidesByFingerprint"
    found = api_client.get(url, {"sessionID": session_id, "fingerprint": fingerprint})
    assert found.status_code == 200
    assert found.json() == ["r/a/renamed.svs"]
    missing = api_client.get(url, {"sessionID": session_id})
    assert missing.status_code == 400
    assert missing.json()["Message"] == "Parameter fingerprint is required"
    assert api_client.get(url, {"fingerprint": fingerprint}).status_code == 401
