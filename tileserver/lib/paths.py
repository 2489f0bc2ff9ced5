"""Virtual paths ("root/sub/file.svs") to real paths strictly inside the slides root.

Everything the tile server reads goes through `real_path`, so this is where `..`,
absolute paths, smuggled separators and symlink escapes are refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from pmacore.errors import BadPath, DirectoryNotFound, SlideNotFound

# Separators and dots that survived a URL decode (or were double-encoded) would be
# decoded again by something downstream; nothing legitimate needs them.
_ENCODED_TRAPS = re.compile(r"%(2f|5c|2e|00)", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")


def clean_virtual(path: str, *, folder: bool = False) -> str:
    """The canonical form of a virtual path ("" is the root of all roots).

    One leading "/" is tolerated (clients strip it inconsistently); folders may also end
    in one "/" or "\\" (PMA.core accepts both).
    """
    if "\x00" in path:
        raise BadPath("The path contains a NUL byte.")
    if path.startswith("/"):
        path = path[1:]
    if folder and path.endswith(("/", "\\")):
        path = path[:-1]
    if not path:
        return ""
    if path.startswith("/") or _DRIVE.match(path):
        raise BadPath(f"Absolute paths are not allowed: {path!r}.")
    if "\\" in path:
        raise BadPath(f"Use forward slashes in paths: {path!r}.")
    if _ENCODED_TRAPS.search(path):
        raise BadPath(f"The path contains an encoded separator or dot: {path!r}.")
    for segment in path.split("/"):
        if segment == "":
            raise BadPath(f"The path has an empty segment: {path!r}.")
        if segment in (".", ".."):
            raise BadPath(f"'.' and '..' are not allowed in paths: {path!r}.")
    return path


def resolved_root(root: Path) -> Path:
    return Path(root).resolve()


def is_inside(root: Path, candidate: Path) -> bool:
    """Whether `candidate`, after following every symlink, is `root` or below it."""
    return candidate.resolve().is_relative_to(root)


def real_path(root: Path, path: str, *, folder: bool = False) -> Path:
    """The real path of a virtual path, without checking that it exists.

    `root` must already be resolved (see `resolved_root`).
    """
    virtual = clean_virtual(path, folder=folder)
    candidate = root.joinpath(*virtual.split("/")) if virtual else root
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise BadPath(f"The path leads outside the slides folder: {virtual!r}.")
    return resolved


def _is_hidden(virtual: str) -> bool:
    return any(segment.startswith(".") for segment in virtual.split("/") if segment)


def slide_file(root: Path, path: str) -> Path:
    """The real path of an existing slide file (or MRXS/DICOM entry) named by `path`."""
    real = real_path(root, path)
    virtual = clean_virtual(path)
    if not virtual or _is_hidden(virtual) or not real.is_file():
        raise SlideNotFound(f"There is no slide at {virtual!r}.")
    return real


def folder(root: Path, path: str) -> Path:
    """The real path of an existing folder named by `path` ("" is the slides root)."""
    real = real_path(root, path, folder=True)
    virtual = clean_virtual(path, folder=True)
    if _is_hidden(virtual) or not real.is_dir():
        raise DirectoryNotFound(f"There is no folder {virtual!r}.")
    return real


def join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
