from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LayoutError:
    """One problem in one layout file; `str()` reads `layouts/bad.xml:12: reason`."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}: {self.reason}"
        return f"{self.file}: {self.reason}"


class InvalidLayout(Exception):
    """A layout file that cannot be used; `errors` lists every problem found, by line."""

    def __init__(self, errors: Iterable[LayoutError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: e.line or 0))
        super().__init__("; ".join(str(e) for e in self.errors))


def display_path(path: Path) -> str:
    """The path as an admin would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
