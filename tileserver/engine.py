"""The embedded tile server's engine: everything PMA.core answers, as plain Python calls.

The PMA.core API views (tileserver/api.py) and the studio's embedded transport both call
these functions; neither talks to OpenSlide directly. Every function may raise a
`tileserver.errors.TileServerError` subclass with a message fit for a user. All are
blocking (file I/O, decoding): async callers run them in a thread pool.

`path_or_uid` is either a virtual path ("root/sub/file.svs") or a 10-character UID.
"""

from __future__ import annotations

from tileserver.types import EncodedImage, SlideFile, SlideInfo


def root_directories() -> list[str]:
    """Aliases of the root directories: the top-level folders of SLIDES_DIR, sorted."""
    raise NotImplementedError


def directories(path: str) -> list[str]:
    """Full virtual paths of the sub-folders of `path`; an empty path gives the roots."""
    raise NotImplementedError


def slides(path: str) -> list[str]:
    """Full virtual paths of the slides directly inside folder `path`."""
    raise NotImplementedError


def find_slides(path: str, pattern: str) -> list[str]:
    """Slides anywhere below `path` whose virtual path contains `pattern` (case-insensitive)."""
    raise NotImplementedError


def slide_info(path_or_uid: str) -> SlideInfo:
    raise NotImplementedError


def resolve_slide(path_or_uid: str) -> str:
    """The virtual path of a slide given by path or UID (raises SlideNotFound)."""
    raise NotImplementedError


def uid(path: str) -> str:
    raise NotImplementedError


def fingerprint(path_or_uid: str) -> str:
    raise NotImplementedError


def barcode_text(path_or_uid: str) -> str:
    """The label's barcode as text; "" when the slide has none."""
    raise NotImplementedError


def slide_files(path_or_uid: str) -> list[SlideFile]:
    raise NotImplementedError


def tile(
    path_or_uid: str, x: int, y: int, z: int, *, fmt: str = "jpg", quality: int = 90
) -> EncodedImage:
    """A tile_size² image at PMA.core zoom level z; edge tiles padded with the background,
    tiles outside the slide blank. Stored JPEG tiles of matching levels pass through unchanged."""
    raise NotImplementedError


def thumbnail(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    """0 means unspecified; the aspect ratio is kept inside the given box."""
    raise NotImplementedError


def label(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    raise NotImplementedError


def macro(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    raise NotImplementedError


def region(
    path_or_uid: str,
    x: int,
    y: int,
    width: int,
    height: int,
    *,
    scale: float = 1.0,
    fmt: str = "jpg",
    quality: int = 90,
) -> EncodedImage:
    """A region given in native-resolution pixels, scaled by `scale`."""
    raise NotImplementedError
