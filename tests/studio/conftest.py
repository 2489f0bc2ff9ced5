from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from tests.base import (
    admin,
    colleague,
    demo_slides_dir_or_skip,
    fast_hashers,
    owner,
    owner_client,
    stranger,
)
from tileserver import engine

__all__ = ["admin", "colleague", "fast_hashers", "owner", "owner_client", "stranger"]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    # Tiles, slide info and session checks live in the cache: no test sees another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slides_dir(settings: Settings, request: pytest.FixtureRequest) -> Path:
    settings.SLIDES_DIR = demo_slides_dir_or_skip(request)
    return settings.SLIDES_DIR


@pytest.fixture
def slide_path(slides_dir: Path) -> str:
    """The virtual path of a demo slide (the largest, so that it has several zoom levels)."""
    files = sorted(slides_dir.rglob("*.svs"), key=lambda p: (-p.stat().st_size, str(p)))
    return files[0].relative_to(slides_dir).as_posix()


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
