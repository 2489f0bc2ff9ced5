"""Which DICOM files make one slide: the instances of a series lie side by side in a folder.

OpenSlide opens a DICOM whole-slide image by any one of its files and reads the others of
the same series (SeriesInstanceUID) from the same folder. Downloading or copying the slide
must carry all of them, and a folder lists the series once, by its main file: the first of
its files by name (as the browser's upload names a series). Only the header is read (no
pixel data), and each file's answer is kept per file version.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

DICOM_SUFFIX = ".dcm"


def is_dicom(real: Path) -> bool:
    return real.suffix.lower() == DICOM_SUFFIX


def one_per_series(folder: Path, names: list[str]) -> list[str]:
    """`names` (files in `folder`) with each DICOM series's files but its main one left out;
    a DICOM file whose series cannot be read stays, as any file."""
    seen: set[str] = set()
    kept = []
    for name in sorted(names):
        series = _series_uid(folder / name) if is_dicom(Path(name)) else ""
        if series:
            if series in seen:
                continue
            seen.add(series)
        kept.append(name)
    return kept


def series_siblings(real: Path) -> list[Path]:
    """The other files of `real`'s series in its folder, sorted; [] when it has none."""
    series = _series_uid(real)
    if not series:
        return []
    siblings = []
    for candidate in sorted(real.parent.iterdir()):
        if candidate == real or candidate.name.startswith(".") or not is_dicom(candidate):
            continue
        if candidate.is_file() and _series_uid(candidate) == series:
            siblings.append(candidate)
    return siblings


def _series_uid(real: Path) -> str:
    try:
        stat = real.stat()
    except OSError:
        return ""
    return _series_uid_of_version(str(real), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _series_uid_of_version(path: str, mtime_ns: int, size: int) -> str:
    try:
        header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SeriesInstanceUID"])
    except (InvalidDicomError, OSError, ValueError, EOFError):
        return ""
    return str(header.get("SeriesInstanceUID", "") or "")
