"""Helpers of the layout tests: a scratch `layouts/` directory and a minimal valid file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MINIMAL_RIBBON = """\
  <ribbon>
    <tab id="home" label="Home">
      <group id="layout" label="Layout">
        <button id="layout-reset" action="layout.reset" label="Reset"/>
      </group>
    </tab>
  </ribbon>
"""

MINIMAL_PANELS = """\
  <panels>
    <row>
      <panel type="browser"/>
      <panel type="viewer" size="3"/>
    </row>
  </panels>
"""


def layout_xml(
    layout_id: str = "bad",
    *,
    ribbon: str = MINIMAL_RIBBON,
    panels: str = MINIMAL_PANELS,
    extra: str = "",
    title: str = "Scratch",
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<layout id="{layout_id}" title="{title}">\n{ribbon}{panels}{extra}</layout>\n'
    )


def line_of(text: str, marker: str) -> int:
    """1-based line of the first occurrence of `marker`, so tests name lines by content."""
    index = text.index(marker)
    return text.count("\n", 0, index) + 1


def write(path: Path, text: str | bytes, *, mtime: int | None = None) -> Path:
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    if mtime is not None:
        # Pin the stamp so that "changed since last load" never depends on clock resolution.
        os.utime(path, ns=(mtime, mtime))
    return path


@pytest.fixture
def layouts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty `layouts/` below the working directory, so errors read `layouts/x.xml:N`."""
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "layouts"
    directory.mkdir()
    return directory
