from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from tests.base import (
    admin,
    annotated_slide,
    colleague,
    empty_cache,
    fast_hashers,
    owner,
    owner_client,
    slide_path,
    slides_dir,
    stranger,
)
from tileserver import engine

__all__ = [
    "admin",
    "annotated_slide",
    "colleague",
    "empty_cache",
    "fast_hashers",
    "owner",
    "owner_client",
    "slide_path",
    "slides_dir",
    "stranger",
]


A1 = "demo/breast/CASE-001/CASE-001-A1.svs"


@pytest.fixture
def with_copy(slides_dir: Path, settings: Settings, tmp_path: Path) -> Path:
    """The demo tree plus a copy of A1 in another root (duplicate slides)."""
    shutil.copytree(slides_dir, tmp_path, dirs_exist_ok=True)
    (tmp_path / "archive").mkdir()
    shutil.copy2(tmp_path / A1, tmp_path / "archive" / "old-A1.svs")
    settings.SLIDES_DIR = tmp_path
    cache.clear()
    return tmp_path


@pytest.fixture
def broken_slides_dir(settings: Settings, tmp_path: Path) -> Path:
    """A slides directory holding one file that is not a slide."""
    (tmp_path / "Broken").mkdir()
    (tmp_path / "Broken" / "broken.svs").write_bytes(b"this is not a slide")
    settings.SLIDES_DIR = tmp_path
    return tmp_path


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the tile server's engine was asked for each kind of image."""
    calls: Counter[str] = Counter()
    for name in ("tile", "thumbnail", "label", "macro", "slide_info"):
        original = getattr(engine, name)

        def counted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(engine, name, counted)
    return calls
