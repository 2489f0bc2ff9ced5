"""A small 3DHistech MIRAX slide (`.mrxs` plus its data folder) that OpenSlide opens.

The layout is the simplest the format allows: one data file, square JPEG images on a grid
without overlap or stitching positions (OpenSlide then places them edge to edge), and a
pyramid in which each level's image covers 2x2 images of the level below. The `.mrxs` file
itself only has to exist (a line of text here); the slide is described by `<stem>/Slidedat.ini`, and
`<stem>/Index.dat` says where each level's images lie in `<stem>/Data0000.dat`.
"""

from __future__ import annotations

import io
import struct
import uuid
from pathlib import Path

from PIL import Image

INDEX_VERSION = b"01.02"
IMAGE_SIDE = 256
JPEG_QUALITY = 80


def write_mrxs(
    path: Path,
    image: Image.Image,
    *,
    mpp: float = 0.25,
    objective: int = 20,
    slide_id: str | None = None,
) -> list[Path]:
    """Write `image` (RGB, level 0) as the MIRAX slide `path` (ending in .mrxs); the files
    written, the main file first. The image is padded with white to whole grid images."""
    if path.suffix.lower() != ".mrxs":
        raise ValueError("a MIRAX slide's main file ends in .mrxs")
    across = max(1, -(-image.width // IMAGE_SIDE))
    down = max(1, -(-image.height // IMAGE_SIDE))
    canvas = Image.new("RGB", (across * IMAGE_SIDE, down * IMAGE_SIDE), "white")
    canvas.paste(image.convert("RGB"), (0, 0))
    levels = 1
    while (1 << (levels - 1)) < max(across, down):
        levels += 1
    slide_id = slide_id or uuid.uuid4().hex
    data = path.with_suffix("")
    data.mkdir(parents=True, exist_ok=True)

    blob = io.BytesIO()
    records: list[list[tuple[int, int, int]]] = []  # per level: (image index, offset, length)
    for level in range(levels):
        concat = 1 << level
        scaled = canvas.resize(
            (max(1, canvas.width // concat), max(1, canvas.height // concat)),
            Image.Resampling.BOX,
        )
        level_records = []
        for y in range(0, down, concat):
            for x in range(0, across, concat):
                left, top = (x // concat) * IMAGE_SIDE, (y // concat) * IMAGE_SIDE
                tile = Image.new("RGB", (IMAGE_SIDE, IMAGE_SIDE), "white")
                tile.paste(scaled.crop((left, top, left + IMAGE_SIDE, top + IMAGE_SIDE)))
                encoded = io.BytesIO()
                tile.save(encoded, "JPEG", quality=JPEG_QUALITY)
                offset = blob.tell()
                blob.write(encoded.getvalue())
                level_records.append((y * across + x, offset, len(encoded.getvalue())))
        records.append(level_records)

    (data / "Data0000.dat").write_bytes(blob.getvalue())
    (data / "Index.dat").write_bytes(_index(slide_id, records))
    (data / "Slidedat.ini").write_text(
        _slidedat(slide_id, across, down, levels, mpp, objective), encoding="utf-8"
    )
    # Viewers open the slide by this file; OpenSlide only needs it to exist.
    path.write_bytes(f"MIRAX slide {slide_id}: see the folder {data.name}/\n".encode())
    return [path, data / "Slidedat.ini", data / "Index.dat", data / "Data0000.dat"]


def _index(slide_id: str, records: list[list[tuple[int, int, int]]]) -> bytes:
    header = INDEX_VERSION + slide_id.encode("ascii")
    hier_root = len(header)
    # hier root pointer, nonhier root pointer (no non-hierarchical layers), then per level
    # a pointer to [0, first page], and the pages [count, next=0, records...].
    table = hier_root + 8
    level_heads = table + 4 * len(records)
    pages = level_heads + 8 * len(records)
    out = bytearray(header)
    out += struct.pack("<ii", table, 0)
    page_offsets = []
    cursor = pages
    for level_records in records:
        page_offsets.append(cursor)
        cursor += 8 + 16 * len(level_records)
    out += b"".join(struct.pack("<i", level_heads + 8 * i) for i in range(len(records)))
    out += b"".join(struct.pack("<ii", 0, offset) for offset in page_offsets)
    for level_records in records:
        out += struct.pack("<ii", len(level_records), 0)
        for index, offset, length in level_records:
            out += struct.pack("<iiii", index, offset, length, 0)
    return bytes(out)


def _slidedat(
    slide_id: str, across: int, down: int, levels: int, mpp: float, objective: int
) -> str:
    lines = [
        "[GENERAL]",
        "SLIDE_VERSION=01.03",
        f"SLIDE_ID={slide_id}",
        f"IMAGENUMBER_X={across}",
        f"IMAGENUMBER_Y={down}",
        f"OBJECTIVE_MAGNIFICATION={objective}",
        "CameraImageDivisionsPerSide=1",
        "",
        "[HIERARCHICAL]",
        "HIER_COUNT=1",
        "NONHIER_COUNT=0",
        "INDEXFILE=Index.dat",
        "HIER_0_NAME=Slide zoom level",
        f"HIER_0_COUNT={levels}",
    ]
    for level in range(levels):
        lines += [
            f"HIER_0_VAL_{level}=ZoomLevel_{level}",
            f"HIER_0_VAL_{level}_SECTION=LAYER_0_LEVEL_{level}_SECTION",
        ]
    lines += ["", "[DATAFILE]", "FILE_COUNT=1", "FILE_0=Data0000.dat"]
    for level in range(levels):
        lines += [
            "",
            f"[LAYER_0_LEVEL_{level}_SECTION]",
            f"IMAGE_CONCAT_FACTOR={0 if level == 0 else 1}",
            "OVERLAP_X=0",
            "OVERLAP_Y=0",
            f"MICROMETER_PER_PIXEL_X={mpp * (1 << level)}",
            f"MICROMETER_PER_PIXEL_Y={mpp * (1 << level)}",
            "IMAGE_FILL_COLOR_BGR=16777215",
            f"DIGITIZER_WIDTH={IMAGE_SIDE}",
            f"DIGITIZER_HEIGHT={IMAGE_SIDE}",
            "IMAGE_FORMAT=JPEG",
        ]
    return "\n".join(lines) + "\n"
