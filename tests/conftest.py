"""Fixtures for the whole suite: the demo slides, written once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tileserver.lib.demo_slides import make_demo_slides


@pytest.fixture(scope="session")
def demo_slides_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo slide set (same folder tree as `make_demo_slides`), read-only."""
    directory = tmp_path_factory.mktemp("demo-slides")
    make_demo_slides(directory, small=True, log=lambda line: None)
    return directory


@pytest.fixture(autouse=True)
def _demo_slides_setting(settings: Settings, demo_slides_dir: Path) -> None:
    settings.SLIDES_DIR = demo_slides_dir
