"""The embedded tile server's engine: everything PMA.core answers, as plain Python calls.

The PMA.core API views (tileserver/api/) and the studio's embedded transport both call
these functions; neither talks to OpenSlide directly. Every function may raise a
`pmacore.errors.TileServerError` subclass with a message fit for a user. All are
blocking (file I/O, decoding): async callers run them in a thread pool.

`path_or_uid` is either a virtual path ("root/sub/file.svs") or a 10-character UID.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import openslide
from django.conf import settings
from PIL import Image

from pmacore.errors import AssociatedImageNotFound, BadRequest, SlideNotFound
from pmacore.types import EncodedImage, SlideFile, SlideInfo
from tileserver import slides as slide_io
from tileserver.lib import paths
from tileserver.lib.dicom_series import one_per_series
from tileserver.slides import TILE_SIZE, OpenedSlide, TileSource

__all__ = [
    "MAX_OUTPUT_SIDE",
    "TILE_SIZE",
    "barcode_text",
    "barcodes",
    "directories",
    "find_slides",
    "fingerprint",
    "label",
    "macro",
    "main_file",
    "natural_key",
    "path_of_uid",
    "region",
    "resolve_slide",
    "root_directories",
    "slide_files",
    "slide_info",
    "slide_member",
    "slides",
    "thumbnail",
    "tile",
    "tile_with_source",
    "uid",
]

MAX_OUTPUT_SIDE = 8192
DEFAULT_THUMBNAIL_SIDE = 512
ASSOCIATED_QUALITY = 90
_UID = re.compile(r"[A-Z0-9]{10}")
_UID_CACHE_SIZE = 4096
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[object, ...], str]:
    """Sort key that puts CASE-2 before CASE-10 (and ignores case, then breaks ties on it)."""
    parts = _DIGITS.split(text)
    return (
        tuple(int(part) if i % 2 else part.lower() for i, part in enumerate(parts)),
        text,
    )


def _natural(items: Iterable[str]) -> list[str]:
    return sorted(items, key=natural_key)


def _root() -> Path:
    # Read on every call: tests (and management commands) point SLIDES_DIR elsewhere.
    return paths.resolved_root(Path(settings.SLIDES_DIR))


# --- listing -------------------------------------------------------------------------------


def _entries(root: Path, real: Path) -> tuple[list[str], list[str]]:
    """Visible (folder names, slide names) directly inside `real`; no file is opened."""
    folders: list[str] = []
    files: list[str] = []
    try:
        with os.scandir(real) as scan:
            entries = [entry for entry in scan if not entry.name.startswith(".")]
    except OSError:
        return folders, files
    for entry in entries:
        try:
            if entry.is_symlink() and not paths.is_inside(root, Path(entry.path)):
                continue
            if entry.is_dir():
                folders.append(entry.name)
            elif entry.is_file() and slide_io.is_slide_name(entry.name):
                files.append(entry.name)
        except OSError:
            continue
    # An MRXS slide's data folder is part of the slide, not a folder to browse.
    mrxs_stems = {os.path.splitext(name)[0] for name in files if name.lower().endswith(".mrxs")}
    folders = [name for name in folders if name not in mrxs_stems]
    # A DICOM series is one slide however many files (instances) it has.
    return folders, one_per_series(real, files)


def root_directories() -> list[str]:
    """Aliases of the root directories: the top-level folders of SLIDES_DIR, sorted."""
    root = _root()
    if not root.is_dir():
        return []
    folders, _ = _entries(root, root)
    return _natural(folders)


def directories(path: str) -> list[str]:
    """Full virtual paths of the sub-folders of `path`; an empty path gives the roots."""
    virtual = paths.clean_virtual(path, folder=True)
    if not virtual:
        return root_directories()
    root = _root()
    folders, _ = _entries(root, paths.folder(root, virtual))
    return _natural(paths.join(virtual, name) for name in folders)


def slides(path: str) -> list[str]:
    """Full virtual paths of the slides directly inside folder `path`."""
    virtual = paths.clean_virtual(path, folder=True)
    if not virtual:
        return []  # files lying directly in SLIDES_DIR belong to no root directory
    root = _root()
    _, files = _entries(root, paths.folder(root, virtual))
    return _natural(paths.join(virtual, name) for name in files)


def find_slides(path: str, pattern: str) -> list[str]:
    """Slides anywhere below `path` whose virtual path contains `pattern` (case-insensitive)."""
    virtual = paths.clean_virtual(path, folder=True)
    root = _root()
    needle = pattern.lower()
    found: list[str] = []
    pending = [virtual] if virtual else root_directories()
    if virtual:
        paths.folder(root, virtual)  # a missing start folder is an error, not "nothing"
    seen: set[Path] = set()
    while pending:
        current = pending.pop()
        real = paths.real_path(root, current, folder=True)
        if real in seen:  # a symlink back up the tree must not loop forever
            continue
        seen.add(real)
        folders, files = _entries(root, real)
        found += [slide for name in files if needle in (slide := paths.join(current, name)).lower()]
        pending += [paths.join(current, name) for name in folders]
    return _natural(found)


# --- slides by path or UID ------------------------------------------------------------------

_uid_paths: OrderedDict[str, str] = OrderedDict()
_uid_lock = threading.Lock()


def _is_uid(path_or_uid: str) -> bool:
    return "/" not in path_or_uid and _UID.fullmatch(path_or_uid) is not None


def _path_of_uid(value: str) -> str:
    # UIDs never change their path, so a per-process map spares the tile path a query.
    with _uid_lock:
        cached = _uid_paths.get(value)
        if cached is not None:
            _uid_paths.move_to_end(value)
            return cached
    from tileserver.models import SlideUID

    found = SlideUID.path_for(value)
    if found is None:
        raise SlideNotFound(f"There is no slide with UID {value}.")
    with _uid_lock:
        _uid_paths[value] = found
        while len(_uid_paths) > _UID_CACHE_SIZE:
            _uid_paths.popitem(last=False)
    return found


def _locate(path_or_uid: str) -> tuple[str, Path]:
    """(virtual path, real path) of an existing slide file."""
    if not path_or_uid:
        raise BadRequest("No slide given: pass a path or a UID.")
    virtual = _path_of_uid(path_or_uid) if _is_uid(path_or_uid) else path_or_uid
    virtual = paths.clean_virtual(virtual)
    return virtual, paths.slide_file(_root(), virtual)


def _open(path_or_uid: str) -> tuple[str, OpenedSlide]:
    virtual, real = _locate(path_or_uid)
    return virtual, slide_io.open_slide(real, virtual)


def path_of_uid(value: str) -> str:
    """The path a UID was given to (raises SlideNotFound for a UID never given out)."""
    if not _is_uid(value):
        raise BadRequest(f"{value!r} is not a UID: 10 capital letters and digits.")
    return _path_of_uid(value)


def resolve_slide(path_or_uid: str) -> str:
    """The virtual path of a slide given by path or UID (raises SlideNotFound)."""
    return _locate(path_or_uid)[0]


def main_file(path_or_uid: str) -> Path:
    """Where the slide's main file really is (the one its virtual path names)."""
    return _locate(path_or_uid)[1]


def uid(path: str) -> str:
    from tileserver.models import SlideUID

    virtual, _ = _locate(path)
    return SlideUID.for_path(virtual)


def fingerprint(path_or_uid: str) -> str:
    """The slide's content signature, from the fingerprint cache while its files are
    unchanged (same total size, same latest mtime): no OpenSlide open, no sampled reads."""
    virtual, real = _locate(path_or_uid)
    return _fingerprint(virtual, real, lambda: slide_io.open_slide(real, virtual))


def _fingerprint(virtual: str, real: Path, opened: Callable[[], OpenedSlide]) -> str:
    from tileserver.models import SlideFingerprint

    size, mtime_ns = _version(real)
    known = SlideFingerprint.lookup(virtual, size, mtime_ns)
    if known is not None:
        return known
    value = opened().fingerprint()
    SlideFingerprint.remember(virtual, size, mtime_ns, value)
    return value


def _version(real: Path) -> tuple[int, int]:
    """(total size, latest mtime in ns) of a slide's files: what changes when any does."""
    stats = [member.stat() for member in slide_io.slide_member_files(real)]
    return sum(stat.st_size for stat in stats), max(stat.st_mtime_ns for stat in stats)


def barcode_text(path_or_uid: str) -> str:
    """The label's barcode as text: the first of `barcodes`; "" (never None) without one."""
    found = barcodes(path_or_uid)
    return found[0] if found else ""


def barcodes(path_or_uid: str) -> list[str]:
    """Every barcode of the slide: the one the scanner recorded, then the ones on the label
    image in reading order (top to bottom, left to right), each once."""
    return _open(path_or_uid)[1].barcodes()


def _members(virtual: str, real: Path) -> list[SlideFile]:
    parent = virtual.rpartition("/")[0]
    files = []
    for member in slide_io.slide_member_files(real):
        stat = member.stat()
        relative = member.relative_to(real.parent).as_posix()
        files.append(
            SlideFile(
                path=paths.join(parent, relative),
                size=stat.st_size,
                last_modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            )
        )
    return files


def slide_files(path_or_uid: str) -> list[SlideFile]:
    virtual, real = _locate(path_or_uid)
    return _members(virtual, real)


def slide_member(path_or_uid: str, relative: str) -> Path:
    """The real path of one file of a slide, named relative to the slide's folder (as
    pma_python's download() asks for it: "slide.mrxs", "slide/Data0000.dat") or by its
    full virtual path. Only the slide's own files are served, nothing else beside them."""
    virtual, real = _locate(path_or_uid)
    wanted = relative.replace("\\", "/").strip("/")
    parent = virtual.rpartition("/")[0]
    for member in slide_io.slide_member_files(real):
        name = member.relative_to(real.parent).as_posix()
        if wanted in (name, paths.join(parent, name)):
            return member
    raise SlideNotFound(f"{relative!r} is not a file of the slide {virtual}.")


def slide_info(path_or_uid: str) -> SlideInfo:
    virtual, slide = _open(path_or_uid)
    properties = slide.properties
    files = _members(virtual, slide.real_path)
    stored = slide.stored_tiles
    metadata = [("fileformat", slide.file_format), ("vendor", slide.vendor)]
    if stored is not None and stored.compression:
        metadata.insert(0, ("compression", stored.compression))
    metadata.append(("levels", str(len(slide.level_dimensions))))
    objective_power = _float(properties.get(openslide.PROPERTY_NAME_OBJECTIVE_POWER))
    if objective_power:
        metadata.append(("objectivepower", f"{objective_power:g}"))
    associated = ["Thumbnail"]  # always available: rendered from the pyramid if not stored
    associated += [
        slide_io.ASSOCIATED_NAMES[name] for name in ("label", "macro") if name in slide.associated
    ]
    return SlideInfo(
        # Where the slide really is (symlinks followed): a link to a folder judges by this.
        path=_real_virtual(slide.real_path),
        uid=uid(virtual),
        fingerprint=_fingerprint(virtual, slide.real_path, lambda: slide),
        width=slide.width,
        height=slide.height,
        tile_size=TILE_SIZE,
        max_zoom_level=slide.max_zoom,
        mpp_x=_float(properties.get(openslide.PROPERTY_NAME_MPP_X)),
        mpp_y=_float(properties.get(openslide.PROPERTY_NAME_MPP_Y)),
        objective_power=objective_power,
        vendor=slide.vendor,
        file_format=slide.file_format,
        physical_size=sum(file.size for file in files),
        last_modified=max(file.last_modified for file in files),
        associated_images=tuple(associated),
        background_color=slide.background_hex,
        metadata=tuple(metadata),
    )


def _real_virtual(real: Path) -> str:
    """The virtual path of a real location inside SLIDES_DIR."""
    return real.relative_to(_root()).as_posix()


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- images ----------------------------------------------------------------------------------


def tile(
    path_or_uid: str, x: int, y: int, z: int, *, fmt: str = "jpg", quality: int = 90
) -> EncodedImage:
    """A tile_size² image at PMA.core zoom level z; edge tiles padded with the background,
    tiles outside the slide blank. Stored JPEG tiles of matching levels pass through unchanged."""
    return tile_with_source(path_or_uid, x, y, z, fmt=fmt, quality=quality)[0]


def tile_with_source(
    path_or_uid: str, x: int, y: int, z: int, *, fmt: str = "jpg", quality: int = 90
) -> tuple[EncodedImage, TileSource]:
    """`tile()` plus how it was made: "passthrough" (stored bytes), "rendered" or "blank"."""
    _, slide = _open(path_or_uid)
    return slide_io.read_tile(slide, x, y, z, fmt, quality)


def _check_output(width: int, height: int) -> None:
    if not (1 <= width <= MAX_OUTPUT_SIDE and 1 <= height <= MAX_OUTPUT_SIDE):
        raise BadRequest(
            f"The image would be {width}x{height} pixels; each side must be 1..{MAX_OUTPUT_SIDE}."
        )


def thumbnail(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    """0 means unspecified; the aspect ratio is kept inside the given box."""
    _, slide = _open(path_or_uid)
    stored = slide.associated_image("thumbnail") if "thumbnail" in slide.associated else None
    if width > 0 or height > 0:
        size = slide_io.fit_size((slide.width, slide.height), width, height)
    elif stored is not None:
        size = stored.size
    else:
        side = min(DEFAULT_THUMBNAIL_SIDE, max(slide.width, slide.height))
        size = slide_io.fit_size((slide.width, slide.height), side, side)
    _check_output(*size)
    if stored is not None and size[0] <= stored.width and size[1] <= stored.height:
        image = _resized(slide_io.flatten(stored, slide.background), size)
    else:
        image = slide_io.render_native_region(slide, 0, 0, slide.width, slide.height, *size)
    return slide_io.encode(image, "jpg", ASSOCIATED_QUALITY)


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _associated(path_or_uid: str, name: str, width: int, height: int) -> EncodedImage:
    virtual, slide = _open(path_or_uid)
    if name not in slide.associated:
        raise AssociatedImageNotFound(f"{virtual} has no {name} image.")
    image = slide.associated_image(name)
    size = slide_io.fit_size(image.size, width, height)
    _check_output(*size)
    flat = slide_io.flatten(image, slide.background)
    return slide_io.encode(_resized(flat, size), "jpg", ASSOCIATED_QUALITY)


def label(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    return _associated(path_or_uid, "label", width, height)


def macro(path_or_uid: str, width: int = 0, height: int = 0) -> EncodedImage:
    return _associated(path_or_uid, "macro", width, height)


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
    if width <= 0 or height <= 0:
        raise BadRequest("A region needs a positive width and height.")
    if not scale > 0:
        raise BadRequest("The scale must be greater than 0.")
    out_width, out_height = round(width * scale), round(height * scale)
    _check_output(out_width, out_height)
    slide_io.normalise_format(fmt)
    _, slide = _open(path_or_uid)
    image = slide_io.render_native_region(slide, x, y, width, height, out_width, out_height)
    return slide_io.encode(image, fmt, quality)
