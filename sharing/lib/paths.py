"""Virtual slide paths ("root/sub/file.svs") as share links store and compare them."""

from __future__ import annotations

MAX_PATH_LENGTH = 1024


def is_clean_path(path: str) -> bool:
    """Forward slashes, no leading slash, no empty, "." or ".." segments, no control chars."""
    if not path or len(path) > MAX_PATH_LENGTH or "\\" in path or path.startswith("/"):
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return False
    return all(segment not in ("", ".", "..") for segment in path.split("/"))


def clean_path(path: str) -> str:
    """`path` without a trailing slash; ValueError if it is not a clean virtual path."""
    trimmed = path.removesuffix("/")
    if not is_clean_path(trimmed):
        raise ValueError(f"Not a valid slide or folder path: {path!r}.")
    return trimmed


def is_inside(folder: str, path: str) -> bool:
    """Whether `path` lies strictly below `folder`, compared segment by segment.

    "demo/breast" holds "demo/breast/CASE-1/a.svs" but not "demo/breast-2/x.svs".
    """
    if not is_clean_path(folder) or not is_clean_path(path):
        return False
    inner = folder.split("/")
    outer = path.split("/")
    return len(outer) > len(inner) and outer[: len(inner)] == inner


def near_square_grid(count: int) -> tuple[int, int]:
    """(rows, columns) of the smallest near-square grid with room for `count` viewports."""
    columns = 1
    while columns * columns < count:
        columns += 1
    rows = -(-count // columns)
    return max(rows, 1), columns
