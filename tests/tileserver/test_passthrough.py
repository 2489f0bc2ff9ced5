"""Stored JPEG tiles served as they are: splicing tables, marking RGB, refusing what differs.

`write_aperio` writes small Aperio-like SVS files the way real scanners store them, in
the three shapes that matter for passthrough: complete JPEG tiles, abbreviated tiles with
shared `JPEGTables`, and RGB (not YCbCr) tiles with shared tables and no Adobe marker.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import numpy as np
import openslide
import pytest
import tifffile
from PIL import Image

from tileserver.lib.passthrough import (
    ADOBE_RGB,
    SOI,
    StoredTiles,
    has_adobe_marker,
    jpeg_segments,
    standalone_jpeg,
    tables_content,
)

Variant = Literal["full", "tables", "rgb"]
TILE = 256


def synthetic_pixels(width: int, height: int, seed: int = 1) -> np.ndarray:
    """Saturated colour fields with texture: a YCbCr/RGB mix-up cannot hide in them."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    red = (xx * 255 // max(1, width - 1)).astype(np.uint8)
    green = (yy * 255 // max(1, height - 1)).astype(np.uint8)
    blue = np.where(((xx // 97) + (yy // 61)) % 2 == 0, 220, 30).astype(np.uint8)
    pixels = np.stack([red, green, blue], axis=-1)
    noise = rng.integers(-6, 7, size=pixels.shape)
    return np.clip(pixels.astype(int) + noise, 0, 255).astype(np.uint8)


def _split_tables(jpeg: bytes) -> tuple[bytes, bytes]:
    """(JPEGTables, abbreviated stream) of a complete JPEG, as libtiff's codec stores them."""
    tables = [SOI]
    frame = [SOI]
    segments = jpeg_segments(jpeg)
    for marker, start, end in segments:
        if marker in (0xDB, 0xC4):  # DQT, DHT
            tables.append(jpeg[start:end])
        elif marker in (0xE0, 0xEE):  # JFIF, Adobe: libtiff writes neither
            continue
        elif marker == 0xDA:
            frame.append(jpeg[start:])
        else:
            frame.append(jpeg[start:end])
    return b"".join([*tables, b"\xff\xd9"]), b"".join(frame)


def _encode_tile(tile: np.ndarray, variant: Variant, quality: int) -> bytes:
    buffer = io.BytesIO()
    if variant == "rgb":
        Image.fromarray(tile).save(buffer, "JPEG", quality=quality, keep_rgb=True)
        return _numbered_components(buffer.getvalue())
    Image.fromarray(tile).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _numbered_components(jpeg: bytes) -> bytes:
    """Component IDs 1, 2, 3 instead of 'R', 'G', 'B', as scanners write them: then only an
    Adobe marker tells a decoder the data is RGB, which is the trap passthrough must defuse."""
    data = bytearray(jpeg)
    renumber = {ord("R"): 1, ord("G"): 2, ord("B"): 3}
    for marker, start, _ in jpeg_segments(jpeg):
        if marker == 0xC0:  # SOF0: Nf at +9, then 3 bytes per component
            for i in range(data[start + 9]):
                at = start + 10 + 3 * i
                data[at] = renumber.get(data[at], data[at])
        elif marker == 0xDA:  # SOS: Ns at +4, then 2 bytes per component
            for i in range(data[start + 4]):
                at = start + 5 + 2 * i
                data[at] = renumber.get(data[at], data[at])
    return bytes(data)


def _tiles(pixels: np.ndarray, variant: Variant, quality: int) -> tuple[list[bytes], bytes | None]:
    height, width = pixels.shape[:2]
    streams: list[bytes] = []
    tables: bytes | None = None
    for top in range(0, height, TILE):
        for left in range(0, width, TILE):
            # Stored edge tiles are full tiles; scanners pad them with black.
            tile = np.zeros((TILE, TILE, 3), np.uint8)
            part = pixels[top : top + TILE, left : left + TILE]
            tile[: part.shape[0], : part.shape[1]] = part
            jpeg = _encode_tile(tile, variant, quality)
            if variant == "full":
                streams.append(jpeg)
                continue
            tile_tables, stream = _split_tables(jpeg)
            assert tables in (None, tile_tables), "Pillow's tables differ between tiles"
            tables = tile_tables
            streams.append(stream)
    return streams, tables


def write_aperio(
    path: Path,
    width: int,
    height: int,
    *,
    variant: Variant = "tables",
    downsamples: tuple[int, ...] = (1, 4),
    barcode: str = "SYN-0001",
    label: bool = True,
    label_image: np.ndarray | None = None,
    macro: bool = False,
    quality: int = 90,
    seed: int = 1,
) -> np.ndarray:
    """An Aperio-like SVS that OpenSlide opens as vendor "aperio"; returns level 0's pixels."""
    pixels = synthetic_pixels(width, height, seed)
    base = Image.fromarray(pixels)
    description = (
        f"Aperio Image Library v12.0.15 \r\n{width}x{height} [0,0 {width}x{height}] "
        f"({TILE}x{TILE}) JPEG/RGB Q={quality}|AppMag = 20|MPP = 0.4990|Barcode = {barcode}"
    )
    photometric = "rgb" if variant == "rgb" else "ycbcr"
    with tifffile.TiffWriter(path) as tif:
        for index, downsample in enumerate(downsamples):
            size = (max(1, width // downsample), max(1, height // downsample))
            level = np.asarray(base.resize(size, Image.Resampling.BOX))
            streams, tables = _tiles(level, variant, quality)
            extratags = [(347, 7, len(tables), tables, True)] if tables else []
            tif.write(
                iter(streams),
                shape=(size[1], size[0], 3),
                dtype=np.uint8,
                tile=(TILE, TILE),
                compression="jpeg",
                photometric=photometric,
                # tifffile would write Photometric YCbCr for any JPEG unless told otherwise.
                subsampling=(1, 1) if variant == "rgb" else (2, 2),
                compressionargs={"outcolorspace": photometric},
                description=description if index == 0 else f"{description}|level {index}",
                metadata=None,
                subfiletype=0 if index == 0 else 1,
                extratags=extratags,
            )
            if index == 0:
                thumb = base.copy()
                thumb.thumbnail((256, 256))
                tif.write(
                    np.asarray(thumb),
                    photometric="rgb",
                    description=f"Aperio Image Library v12.0.15 \r\n{width}x{height} -> thumb",
                    metadata=None,
                )
        if label:
            image = np.full((120, 240, 3), 235, np.uint8)
            image[40:80, 20:220] = 20
            tif.write(
                image if label_image is None else label_image,
                photometric="rgb",
                compression="lzw",
                description="Aperio Image Library v12.0.15\r\nlabel 240x120",
                metadata=None,
                subfiletype=1,
            )
        if macro:
            image = np.full((200, 500, 3), (200, 180, 160), np.uint8)
            tif.write(
                image,
                photometric="rgb",
                compression="jpeg",
                description="Aperio Image Library v12.0.15\r\nmacro 500x200",
                metadata=None,
                subfiletype=9,
            )
    return pixels


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _openslide_tile(path: Path, level: int, col: int, row: int) -> np.ndarray:
    with openslide.OpenSlide(path) as slide:
        downsample = slide.level_downsamples[level]
        location = (round(col * TILE * downsample), round(row * TILE * downsample))
        region = slide.read_region(location, level, (TILE, TILE))
    return np.asarray(region.convert("RGB")).astype(int)


@pytest.mark.parametrize("variant", ["full", "tables", "rgb"])
def test_it_writes_slides_openslide_reads_as_aperio(tmp_path: Path, variant: Variant) -> None:
    path = tmp_path / "slide.svs"
    pixels = write_aperio(path, 700, 520, variant=variant)
    with openslide.OpenSlide(path) as slide:
        assert slide.properties["openslide.vendor"] == "aperio"
        assert slide.level_downsamples == (1.0, 4.0)
        assert "label" in slide.associated_images
        region = np.asarray(slide.read_region((0, 0), 0, (TILE, TILE)).convert("RGB"))
    assert np.abs(region.astype(int) - pixels[:TILE, :TILE]).mean() < 6


@pytest.mark.parametrize("variant", ["full", "tables", "rgb"])
def test_stored_tiles_decode_to_the_same_colours_as_openslide(
    tmp_path: Path, variant: Variant
) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 1100, 800, variant=variant, downsamples=(1, 2))
    stored = StoredTiles.open(path)
    assert stored is not None
    for level_index, (col, row) in [(0, (0, 0)), (0, (2, 1)), (1, (1, 0))]:
        level = stored.levels[level_index]
        data = stored.read(level, col, row)
        assert data is not None
        ours = _decode(data)
        reference = _openslide_tile(path, level_index, col, row)
        difference = np.abs(ours - reference).mean(axis=(0, 1))
        assert (difference < 8).all(), f"{variant} tile {col},{row}: {difference}"


def test_complete_tiles_pass_through_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 600, 300, variant="full", downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    level = stored.levels[0]
    assert level.prefix == b""
    raw = path.read_bytes()[level.offsets[1] : level.offsets[1] + level.bytecounts[1]]
    assert stored.read(level, 1, 0) == raw


def test_it_splices_shared_tables_into_each_tile(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 600, 300, variant="tables", downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    level = stored.levels[0]
    with tifffile.TiffFile(path) as tif:
        tables = bytes(tif.pages[0].jpegtables)
    raw = path.read_bytes()[level.offsets[0] : level.offsets[0] + level.bytecounts[0]]
    data = stored.read(level, 0, 0)
    assert data == SOI + tables[2:-2] + raw[2:]
    assert not has_adobe_marker(data)


def test_it_marks_rgb_tiles_with_an_adobe_transform_0(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 600, 300, variant="rgb", downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    data = stored.read(stored.levels[0], 0, 0)
    assert data is not None
    assert data[2 : 2 + len(ADOBE_RGB)] == ADOBE_RGB


def test_an_rgb_tile_without_the_marker_decodes_to_wrong_colours(tmp_path: Path) -> None:
    # The trap this module exists for: prove the test above would catch it.
    path = tmp_path / "slide.svs"
    write_aperio(path, 600, 300, variant="rgb", downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    level = stored.levels[0]
    with tifffile.TiffFile(path) as tif:
        tables = bytes(tif.pages[0].jpegtables)
    raw = path.read_bytes()[level.offsets[0] : level.offsets[0] + level.bytecounts[0]]
    unmarked = standalone_jpeg(raw, tables_content(tables))
    assert unmarked is not None
    reference = _openslide_tile(path, 0, 0, 0)
    assert np.abs(_decode(unmarked) - reference).mean() > 20


def test_it_lists_only_tiled_jpeg_pages(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 700, 520, downsamples=(1, 4), label=True)
    stored = StoredTiles.open(path)
    assert stored is not None
    assert [(level.width, level.height) for level in stored.levels] == [(700, 520), (175, 130)]
    assert stored.level_sized(175, 130) is stored.levels[1]
    assert stored.level_sized(350, 260) is None
    assert stored.compression == "JPEG"


def test_edge_tiles_are_not_full_tiles(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 700, 520, downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    level = stored.levels[0]
    assert (level.tiles_across, level.tiles_down) == (3, 3)
    assert level.is_full_tile(1, 1)
    assert not level.is_full_tile(2, 0)
    assert not level.is_full_tile(0, 2)
    assert not level.is_full_tile(3, 0)


def test_out_of_grid_and_short_reads_give_none(tmp_path: Path) -> None:
    path = tmp_path / "slide.svs"
    write_aperio(path, 600, 300, downsamples=(1,))
    stored = StoredTiles.open(path)
    assert stored is not None
    level = stored.levels[0]
    assert stored.read(level, 5, 0) is None
    assert stored.read(level, -1, 0) is None
    cut = tmp_path / "cut.svs"
    data = path.read_bytes()
    cut.write_bytes(data[: level.offsets[-1] + 10])
    truncated = StoredTiles.open(cut)
    if truncated is not None and truncated.levels:
        assert truncated.read(truncated.levels[0], 2, 1) is None


def test_non_tiff_files_have_no_stored_tiles(tmp_path: Path) -> None:
    path = tmp_path / "notes.svs"
    path.write_text("not a slide")
    assert StoredTiles.open(path) is None


def test_uncompressed_tiles_are_not_passed_through(tmp_path: Path) -> None:
    path = tmp_path / "raw.tif"
    tifffile.imwrite(path, synthetic_pixels(512, 512), tile=(TILE, TILE), photometric="rgb")
    stored = StoredTiles.open(path)
    assert stored is not None
    assert stored.levels == []
