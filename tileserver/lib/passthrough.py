"""Stored JPEG tiles of a tiled TIFF, served without decoding and re-encoding.

A TIFF tile is often not a JPEG a browser can show on its own: Aperio keeps the
quantisation and Huffman tables once per page (`JPEGTables`) and stores abbreviated
streams, and tiles whose Photometric is RGB carry no marker telling a decoder not to
apply the YCbCr transform. `StoredTiles.read` repairs both so the bytes stand alone.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path

import tifffile

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"
# Adobe APP14, version 100, no flags, transform 0: "the components are RGB, not YCbCr".
ADOBE_RGB = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"

_JPEG = 7
_PHOTOMETRIC_RGB = 2
_PHOTOMETRIC_YCBCR = 6
_PHOTOMETRIC_MINISBLACK = 1


@dataclass(frozen=True)
class StoredLevel:
    """One tiled JPEG page: where each tile's bytes are and what to put in front of them."""

    width: int
    height: int
    tile_width: int
    tile_height: int
    tiles_across: int
    tiles_down: int
    offsets: tuple[int, ...]
    bytecounts: tuple[int, ...]
    # Inserted right after each tile's SOI; empty when the stored streams stand alone.
    prefix: bytes

    def is_full_tile(self, col: int, row: int) -> bool:
        """Whether stored tile (col, row) lies entirely inside the page (no padding)."""
        return (
            0 <= col < self.tiles_across
            and 0 <= row < self.tiles_down
            and (col + 1) * self.tile_width <= self.width
            and (row + 1) * self.tile_height <= self.height
        )


def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each header segment before the scan data (SOS included)."""
    segments = []
    pos = 2 if data.startswith(SOI) else 0
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segments.append((marker, pos, pos + 2 + length))
        if marker == 0xDA:  # SOS: entropy-coded data follows
            break
        pos += 2 + length
    return segments


def has_adobe_marker(data: bytes) -> bool:
    return any(marker == 0xEE for marker, _, _ in jpeg_segments(data))


def tables_content(jpegtables: bytes) -> bytes:
    """The JPEGTables tag without its SOI and EOI: the DQT/DHT segments to splice in."""
    content = jpegtables
    if content.startswith(SOI):
        content = content[2:]
    if content.endswith(EOI):
        content = content[:-2]
    return content


def standalone_jpeg(raw: bytes, prefix: bytes) -> bytes | None:
    """A stored tile made into a complete JPEG; None when the bytes are no JPEG stream."""
    if not raw.startswith(SOI):
        return None
    if not prefix:
        return raw
    return SOI + prefix + raw[2:]


class StoredTiles:
    """The JPEG tile layout of one TIFF file; the file stays open for positioned reads.

    Parsed once per file version (callers cache it); `os.pread` shares no file position,
    so any number of threads may read tiles at once.
    """

    def __init__(self, path: Path, levels: list[StoredLevel], compression: str) -> None:
        self.path = path
        self.levels = levels
        self.compression = compression
        self._fd = os.open(path, os.O_RDONLY)
        # Closed when the last user drops the object, never under a concurrent read.
        weakref.finalize(self, os.close, self._fd)

    @classmethod
    def open(cls, path: Path) -> StoredTiles | None:
        """The stored tiles of `path`, or None when it is no TIFF; its levels list only the
        pages whose tiles can pass through (tiled, 8-bit JPEG, RGB/YCbCr or grey)."""
        try:
            with tifffile.TiffFile(path) as tif:
                pages = list(tif.pages)
                compression = _compression_name(pages[0]) if pages else ""
                levels = [
                    level
                    for page in pages
                    if isinstance(page, tifffile.TiffPage)
                    and (level := _stored_level(page, tif.filehandle)) is not None
                ]
        except (tifffile.TiffFileError, OSError, ValueError, IndexError, KeyError):
            return None
        return cls(path, levels, compression)

    def level_sized(self, width: int, height: int) -> StoredLevel | None:
        for level in self.levels:
            if level.width == width and level.height == height:
                return level
        return None

    def read(self, level: StoredLevel, col: int, row: int) -> bytes | None:
        """Tile (col, row) of `level` as a complete JPEG; None if it is missing or short
        (sparse or truncated file): the caller then renders it the slow way."""
        if not (0 <= col < level.tiles_across and 0 <= row < level.tiles_down):
            return None
        index = row * level.tiles_across + col
        count = level.bytecounts[index]
        if count <= 0:
            return None
        raw = os.pread(self._fd, count, level.offsets[index])
        if len(raw) != count:
            return None
        return standalone_jpeg(raw, level.prefix)


def _compression_name(page: tifffile.TiffPage | tifffile.TiffFrame) -> str:
    try:
        return tifffile.COMPRESSION(page.compression).name
    except ValueError:
        return str(page.compression)


def _stored_level(page: tifffile.TiffPage, fh: tifffile.FileHandle) -> StoredLevel | None:
    if not page.is_tiled or page.compression != _JPEG or page.bitspersample != 8:
        return None
    if page.tiledepth > 1 or page.imagedepth > 1:
        return None
    rgb_like = page.samplesperpixel == 3 and page.photometric in (
        _PHOTOMETRIC_RGB,
        _PHOTOMETRIC_YCBCR,
    )
    grey = page.samplesperpixel == 1 and page.photometric == _PHOTOMETRIC_MINISBLACK
    if not (rgb_like or grey):
        return None
    if rgb_like and page.planarconfig != 1:  # separate planes are not one JPEG per tile
        return None
    tiles_across = -(-page.imagewidth // page.tilewidth)
    tiles_down = -(-page.imagelength // page.tilelength)
    offsets = tuple(int(offset) for offset in page.dataoffsets)
    bytecounts = tuple(int(count) for count in page.databytecounts)
    if len(offsets) != tiles_across * tiles_down or len(bytecounts) != len(offsets):
        return None
    prefix = b""
    if page.photometric == _PHOTOMETRIC_RGB and not _first_tile_has_adobe(fh, offsets, bytecounts):
        prefix += ADOBE_RGB
    if page.jpegtables:
        prefix += tables_content(bytes(page.jpegtables))
    return StoredLevel(
        width=page.imagewidth,
        height=page.imagelength,
        tile_width=page.tilewidth,
        tile_height=page.tilelength,
        tiles_across=tiles_across,
        tiles_down=tiles_down,
        offsets=offsets,
        bytecounts=bytecounts,
        prefix=prefix,
    )


def _first_tile_has_adobe(
    fh: tifffile.FileHandle, offsets: tuple[int, ...], bytecounts: tuple[int, ...]
) -> bool:
    """Whether the tiles already say they are RGB (a writer other than libtiff's codec)."""
    for offset, count in zip(offsets, bytecounts, strict=True):
        if count > 0:
            fh.seek(offset)
            return has_adobe_marker(fh.read(min(count, 4096)))
    return False
