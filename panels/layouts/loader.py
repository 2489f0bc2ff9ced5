"""Load every `*.xml` layout of a directory, re-parsing only files that changed.

Admins edit layout files on a running server, so every call looks at the files' stamps
(mtime, size, inode) and re-parses what changed. A file whose new content is broken keeps
serving its last good parse; a file that was never good is served by the built-in layout
under its name; and `default` always exists. The cache is per process and only saves work:
each process reads the same files, so nothing needs to be shared between workers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from panels.layouts.builtin import BUILTIN_SOURCE, builtin_layout
from panels.layouts.errors import InvalidLayout, LayoutError, display_path
from panels.layouts.model import Layout
from panels.layouts.parser import parse_layout

DEFAULT_LAYOUT = "default"

# Same as the schema's Id: a file whose name is not a valid id gets no stand-in layout.
_LAYOUT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}")


@dataclass(frozen=True)
class LoadResult:
    """Every usable layout by id (`default` first), and the problems of the files."""

    layouts: dict[str, Layout]
    errors: list[LayoutError]
    # Problems that do not stop a layout from being used, e.g. a switch to a missing layout.
    warnings: list[LayoutError] = field(default_factory=list)

    def get(self, layout_id: str) -> Layout:
        """The layout `layout_id`, or the default one when there is no such layout."""
        return self.layouts.get(layout_id) or self.layouts[DEFAULT_LAYOUT]


@dataclass(frozen=True)
class _Entry:
    stamp: tuple[int, int, int]
    # Problems of the file as it is now; empty when it parsed.
    errors: tuple[LayoutError, ...]
    last_good: Layout | None


class LayoutLoader:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[Path, _Entry] = {}
        # Sync views run in several threads of one process; parse each change once.
        self._lock = threading.Lock()

    def load(self) -> LoadResult:
        if not self.directory.is_dir():
            error = LayoutError(display_path(self.directory), None, "layouts directory not found")
            return LoadResult({DEFAULT_LAYOUT: builtin_layout()}, [error])
        with self._lock:
            self._entries = self._refresh()
            entries = dict(self._entries)
        return _result(entries)

    def _refresh(self) -> dict[Path, _Entry]:
        entries: dict[Path, _Entry] = {}
        # Editors leave hidden files (.#default.xml) around while a file is being edited.
        paths = sorted(p for p in self.directory.glob("*.xml") if not p.name.startswith("."))
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue  # deleted between listing and reading
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            old = self._entries.get(path)
            if old is not None and old.stamp == stamp:
                entries[path] = old
                continue
            try:
                entries[path] = _Entry(stamp, (), parse_layout(path))
            except InvalidLayout as exc:
                entries[path] = _Entry(stamp, exc.errors, old.last_good if old else None)
        return entries


def _result(entries: dict[Path, _Entry]) -> LoadResult:
    layouts: dict[str, Layout] = {}
    errors: list[LayoutError] = []
    for path, entry in entries.items():
        errors.extend(entry.errors)
        if entry.last_good is not None:
            layouts[path.stem] = entry.last_good
        elif _LAYOUT_ID.fullmatch(path.stem):
            layouts[path.stem] = builtin_layout(path.stem)
    layouts.setdefault(DEFAULT_LAYOUT, builtin_layout())
    ordered = {DEFAULT_LAYOUT: layouts.pop(DEFAULT_LAYOUT), **dict(sorted(layouts.items()))}
    return LoadResult(ordered, errors, _dangling_switches(ordered))


def _dangling_switches(layouts: dict[str, Layout]) -> list[LayoutError]:
    # A warning, not an error: deleting one layout file must not take down every layout
    # that links to it. The cockpit disables buttons whose target is not in the list.
    warnings = []
    for layout in layouts.values():
        if layout.source == BUILTIN_SOURCE:
            continue
        for item in layout.ribbon.items():
            target = item.param("target") if item.action == "layout.switch" else None
            if target is not None and target not in layouts:
                warnings.append(
                    LayoutError(
                        display_path(Path(layout.source)),
                        item.line,
                        f"layout.switch target '{target}' is not a layout in this directory",
                    )
                )
    return warnings


_loaders: dict[Path, LayoutLoader] = {}
_loaders_lock = threading.Lock()


def load_layouts(directory: Path | str | None = None) -> LoadResult:
    """Layouts of `directory` (default: settings.LAYOUTS_DIR), cheap to call per request."""
    if directory is None:
        directory = settings.LAYOUTS_DIR
    key = Path(directory).resolve()
    with _loaders_lock:
        loader = _loaders.get(key)
        if loader is None:
            loader = _loaders[key] = LayoutLoader(key)
    return loader.load()
