"""Validation of the tile server's virtual paths ("root/sub/file.svs") as they come in."""

from __future__ import annotations

MAX_PATH_LENGTH = 1024


def clean_virtual_path(value: str) -> str:
    """The path unchanged if well-formed; ValueError with a reason otherwise.

    Forward slashes, no leading slash, no empty, "." or ".." segments, no backslashes or
    control characters. The tile server checks again; this keeps junk out of caches and logs.
    """
    if not value:
        raise ValueError("The path is empty.")
    if len(value) > MAX_PATH_LENGTH:
        raise ValueError("The path is too long.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("The path contains control characters.")
    if "\\" in value:
        raise ValueError("Use forward slashes in paths.")
    if value.startswith("/"):
        raise ValueError("Paths start with a root directory, not a slash.")
    segments = value.removesuffix("/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError("The path has an empty, '.' or '..' part.")
    return value.removesuffix("/")


def breadcrumbs(path: str) -> list[tuple[str, str]]:
    """(name, path) of each folder from the root down to `path`."""
    if not path:
        return []
    segments = path.split("/")
    return [(name, "/".join(segments[: i + 1])) for i, name in enumerate(segments)]


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]
