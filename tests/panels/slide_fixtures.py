"""Fixtures of the panel view tests: personas, the demo slides, a broken slide."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.base import (
    colleague,
    empty_cache,
    fast_hashers,
    owner,
    owner_client,
    slide_path,
    slides_dir,
    stranger,
)

# Test modules take these with `from tests.panels.slide_fixtures import *`.
__all__ = [
    "broken_slides_dir",
    "colleague",
    "empty_cache",
    "fast_hashers",
    "many_slides_dir",
    "other_slide_path",
    "owner",
    "owner_client",
    "slide_path",
    "slides_dir",
    "stranger",
]


@pytest.fixture
def other_slide_path(slides_dir: Path, slide_path: str) -> str:
    files = sorted(p.relative_to(slides_dir).as_posix() for p in slides_dir.rglob("*.svs"))
    return next(p for p in files if p != slide_path)


@pytest.fixture
def broken_slides_dir(settings: Settings, tmp_path: Path) -> Path:
    (tmp_path / "Broken").mkdir()
    (tmp_path / "Broken" / "broken.svs").write_bytes(b"this is not a slide")
    settings.SLIDES_DIR = tmp_path
    return tmp_path


@pytest.fixture
def many_slides_dir(settings: Settings, tmp_path: Path, slides_dir: Path, slide_path: str) -> Path:
    """A folder of 60 slides (hard links to one demo slide), for paging."""
    folder = tmp_path / "Big" / "Case & Co"
    folder.mkdir(parents=True)
    for i in range(60):
        # Not symlinks: the tile server refuses links that point outside SLIDES_DIR.
        os.link(slides_dir / slide_path, folder / f"slide-{i:02d}.svs")
    settings.SLIDES_DIR = tmp_path
    return tmp_path
