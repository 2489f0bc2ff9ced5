"""The real annotation files made by other tools (shared/testdata/annotations beside the
repository), copied into a temporary folder for a test; the tests skip when they are absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "annotations"


def annotation_file(tmp_path: Path, relative: str) -> Path:
    source = TESTDATA / relative
    if not source.is_file():
        pytest.skip(f"{relative} is not in {TESTDATA}")
    target = tmp_path / Path(relative).name
    shutil.copyfile(source, target)
    return target
