"""Writing tiled-JPEG TIFFs in Aperio SVS layout, the way OpenSlide's aperio driver reads them.

Layout (OpenSlide `openslide-vendor-aperio.c`, Aperio's "Digital Slides and Third-party
data interchange" note):
- directory 0: level 0, tiled; its ImageDescription starts with "Aperio" and carries the
  `|key = value` properties (AppMag, MPP, Barcode, ...);
- directory 1: the thumbnail, stripped (OpenSlide names the second directory "thumbnail");
- then the other pyramid levels, tiled like level 0;
- then label and macro, stripped, named by the first word of their description's second
  line, NewSubfileType 1 (reduced image) and 9 (reduced image + macro) as Aperio writes.

Tiles are baseline JPEG in YCbCr with 2x2 chroma subsampling. Like Aperio, the
quantisation and Huffman tables are stored once per level in the JPEGTables tag and each
tile is an abbreviated stream (SOI, SOF0, SOS, data, EOI): callers that pass stored
tiles through must splice the tables back in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import imagecodecs
import numpy as np
import tifffile
from numpy.typing import NDArray

TILE_SIZE = 256
APERIO_SOFTWARE = "Aperio Image Library v12.0.15"

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"
_APP0 = 0xE0
_DQT = 0xDB
_DHT = 0xC4
_SOS = 0xDA
_SUBFILE_REDUCED = 1
_SUBFILE_MACRO = 9  # reduced image, bit 3 set: what Aperio writes for the macro


def _segments(jpeg: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Header segments (marker, bytes) up to SOS, and the rest (SOS + scan + EOI)."""
    assert jpeg.startswith(_SOI)
    pos = 2
    segments: list[tuple[int, bytes]] = []
    while True:
        marker = jpeg[pos + 1]
        if marker == _SOS:
            return segments, jpeg[pos:]
        length = int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
        segments.append((marker, jpeg[pos : pos + 2 + length]))
        pos += 2 + length


class JpegTileEncoder:
    """Encodes RGB tiles into abbreviated JPEG streams sharing one set of tables."""

    def __init__(self, quality: int = 70) -> None:
        self.quality = quality
        self._tables: bytes | None = None

    @property
    def jpeg_tables(self) -> bytes:
        """The JPEGTables tag value: SOI, the DQT and DHT segments, EOI."""
        if self._tables is None:
            self.encode(np.full((TILE_SIZE, TILE_SIZE, 3), 255, dtype=np.uint8))
        assert self._tables is not None
        return _SOI + self._tables + _EOI

    def encode(self, rgb: NDArray[np.uint8]) -> bytes:
        full = imagecodecs.jpeg8_encode(rgb, level=self.quality, subsampling=(2, 2), optimize=False)
        segments, scan = _segments(bytes(full))
        tables = b"".join(seg for marker, seg in segments if marker in (_DQT, _DHT))
        if self._tables is None:
            self._tables = tables
        elif tables != self._tables:
            # Standard Huffman tables and a fixed quality give identical tables; if the
            # codec ever chose otherwise, the shared JPEGTables would decode garbage.
            raise ValueError("JPEG tables differ between tiles")
        header = b"".join(seg for marker, seg in segments if marker not in (_APP0, _DQT, _DHT))
        return _SOI + header + scan


@dataclass(frozen=True)
class TiledLevel:
    """A pyramid level: its size and its encoded tiles in row-major order."""

    width: int
    height: int
    tiles: Iterable[bytes]
    description: str


@dataclass(frozen=True)
class StrippedImage:
    """Thumbnail, label or macro: whole pixels, compressed by the writer."""

    pixels: NDArray[np.uint8]
    description: str
    compression: str  # "jpeg" or "lzw"
    subfiletype: int = 0


def description(header: str, properties: dict[str, str]) -> str:
    """An Aperio ImageDescription: software line, image line, then `|key = value` pairs."""
    parts = [f"{APERIO_SOFTWARE}\r\n{header}"]
    parts += [f"{key} = {value}" for key, value in properties.items()]
    return "|".join(parts)


def associated(kind: str, pixels: NDArray[np.uint8]) -> StrippedImage:
    """A label or macro image as Aperio stores it (OpenSlide takes the name from line 2)."""
    height, width = pixels.shape[:2]
    text = f"{APERIO_SOFTWARE}\r\n{kind} {width}x{height}"
    if kind == "label":
        # Lossless: the barcode must survive.
        return StrippedImage(pixels, text, "lzw", _SUBFILE_REDUCED)
    return StrippedImage(pixels, text, "jpeg", _SUBFILE_MACRO)


def write_svs(
    path: Path,
    levels: list[TiledLevel],
    thumbnail: StrippedImage,
    extras: list[StrippedImage],
    encoder: JpegTileEncoder,
) -> None:
    """Write the file atomically: a half-written slide never carries the final name."""
    partial = path.with_name(path.name + ".partial")
    with tifffile.TiffWriter(partial, bigtiff=False) as tif:
        for index, level in enumerate(levels):
            _write_level(tif, level, encoder)
            if index == 0:
                _write_stripped(tif, thumbnail)
        for image in extras:
            _write_stripped(tif, image)
    os.replace(partial, path)


def _write_level(tif: tifffile.TiffWriter, level: TiledLevel, encoder: JpegTileEncoder) -> None:
    # Tiles are encoded while tifffile consumes them: the tables exist only after the
    # first tile, so the iterator is primed before the tag is written.
    tiles = iter(level.tiles)
    first = next(tiles)

    def all_tiles() -> Iterable[bytes]:
        yield first
        yield from tiles

    tif.write(
        all_tiles(),
        shape=(level.height, level.width, 3),
        dtype=np.uint8,
        tile=(TILE_SIZE, TILE_SIZE),
        photometric="rgb",
        compression="jpeg",
        subsampling=(2, 2),
        jpegtables=encoder.jpeg_tables,
        description=level.description,
        metadata=None,
        software=False,
        subfiletype=0,
    )


def _write_stripped(tif: tifffile.TiffWriter, image: StrippedImage) -> None:
    options: dict[str, object] = {}
    if image.compression == "jpeg":
        options = {"compression": "jpeg", "compressionargs": {"level": 85}}
    else:
        options = {"compression": "lzw"}
    tif.write(
        image.pixels,
        photometric="rgb",
        description=image.description,
        metadata=None,
        software=False,
        subfiletype=image.subfiletype,
        rowsperstrip=16 if image.compression == "jpeg" else None,
        **options,  # type: ignore[arg-type]
    )
