"""What the share back-end asks the tile server: does a slide or folder exist, what is in it.

Calls the embedded tile server's engine; blocking. Raises `tileserver.errors.TileServerError`
subclasses (SlideNotFound, DirectoryNotFound, BadPath) with messages fit for a user.
"""

from __future__ import annotations

from tileserver import engine


def slide_path(path_or_uid: str) -> str:
    """The virtual path of an existing slide given by path or UID."""
    path = engine.resolve_slide(path_or_uid)
    engine.slide_info(path)
    return path


def check_folder(path: str) -> None:
    """Raises DirectoryNotFound unless `path` is an existing folder."""
    engine.directories(path)


def folder_slides(path: str) -> list[str]:
    """The slides directly inside folder `path`."""
    return engine.slides(path)
