"""Regions of a slide written out as slides of their own: the ground-truth workflow.

    target = regions.extract("demo/breast/CASE-001/A1.svs", Region(x, y, w, h), progress=...)

Pathologists mark regions; data scientists get them at full resolution. The region (native
pixels, origin top left) is written as a pyramidal tiled-JPEG TIFF in Aperio SVS layout
(`lib/svs_writer.py`, tifffile) with the source's MPP and objective, under the root folder
REGIONS_ROOT of SLIDES_DIR, where the embedded tile server serves it as any other slide.
The file appears only when complete (written under a temporary name, then renamed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from pmacore import geometry as geo
from pmacore.errors import BadRequest
from pmacore.types import Annotation, SlideInfo
from tileserver import engine
from tileserver import slides as slide_io
from tileserver.lib import paths, svs_writer
from tileserver.lib.svs_writer import TILE_SIZE

REGIONS_ROOT = "regions"
LEVEL_DOWNSAMPLE = 4
SMALLEST_LEVEL_SIDE = 1024  # levels are added until the smallest fits this
THUMBNAIL_SIDE = 768
JPEG_QUALITY = 80
MAX_REGION_PIXELS = 50_000 * 50_000
Progress = Callable[[int, int], object]  # (tiles written, tiles in all)


@dataclass(frozen=True)
class Region:
    """Native pixels of the source slide: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int


def region_of(annotation: Annotation, slide_width: int, slide_height: int) -> Region:
    """The annotation's bounding box, whole pixels, clipped to the slide."""
    left, top, right, bottom = geo.parse(annotation.geometry).bounds
    x0, y0 = max(0, math.floor(left)), max(0, math.floor(top))
    x1, y1 = min(slide_width, math.ceil(right)), min(slide_height, math.ceil(bottom))
    if x1 <= x0 or y1 <= y0:
        raise BadRequest(f"Annotation {annotation.id} covers no pixel of the slide")
    return Region(x0, y0, x1 - x0, y1 - y0)


def target_path(slide_path: str, name: str) -> str:
    """Where a region of `slide_path` goes: REGIONS_ROOT/<slide's folder>/<stem>-<name>.svs."""
    folder, _, file_name = slide_path.rpartition("/")
    stem = file_name.rpartition(".")[0] or file_name
    parent = paths.join(REGIONS_ROOT, folder) if folder else REGIONS_ROOT
    return paths.join(parent, f"{stem}-{name}.svs")


def extract(
    path_or_uid: str, region: Region, target: str, *, progress: Progress = lambda done, total: None
) -> str:
    """Write `region` of the slide as the slide `target` (a virtual path); its path."""
    if region.width * region.height > MAX_REGION_PIXELS:
        raise BadRequest(
            f"A region of {region.width}x{region.height} pixels is too large to extract"
        )
    source = engine.slide_info(path_or_uid)
    slide = slide_io.open_slide(engine.main_file(path_or_uid), source.path)
    target = paths.clean_virtual(target)
    real = Path(settings.SLIDES_DIR) / target
    real.parent.mkdir(parents=True, exist_ok=True)

    sizes = _level_sizes(region.width, region.height)
    total = sum(math.ceil(w / TILE_SIZE) * math.ceil(h / TILE_SIZE) for w, h in sizes)
    done = 0

    def counted(tiles: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal done
        for tile in tiles:
            # Counted when made: the writer asks for no tile after a level's last one.
            done += 1
            progress(done, total)
            yield tile

    encoder = svs_writer.JpegTileEncoder(JPEG_QUALITY)
    properties = _properties(source, region, path_or_uid)
    width, height = sizes[0]
    levels = []
    for index, (level_w, level_h) in enumerate(sizes):
        header = f"{width}x{height} [0,0 {width}x{height}] ({TILE_SIZE}x{TILE_SIZE})"
        if index:
            header += f" -> {level_w}x{level_h}"
        header += f" JPEG/YCC Q={JPEG_QUALITY}"
        tiles = counted(_tiles(slide, region, LEVEL_DOWNSAMPLE**index, level_w, level_h, encoder))
        description = svs_writer.description(header, properties)
        levels.append(svs_writer.TiledLevel(level_w, level_h, tiles, description))
    thumbnail = _thumbnail(slide, region, properties)
    svs_writer.write_svs(real, levels, thumbnail, [], encoder)
    return target


def _level_sizes(width: int, height: int) -> list[tuple[int, int]]:
    sizes = [(width, height)]
    while max(sizes[-1]) > SMALLEST_LEVEL_SIDE:
        factor = LEVEL_DOWNSAMPLE ** len(sizes)
        sizes.append((max(1, math.ceil(width / factor)), max(1, math.ceil(height / factor))))
    return sizes


def _tiles(
    slide: slide_io.OpenedSlide,
    region: Region,
    downsample: int,
    level_w: int,
    level_h: int,
    encoder: svs_writer.JpegTileEncoder,
) -> Iterator[bytes]:
    """The level's tiles in row-major order; beyond the region's edge, background."""
    span = TILE_SIZE * downsample
    for row in range(math.ceil(level_h / TILE_SIZE)):
        for column in range(math.ceil(level_w / TILE_SIZE)):
            x, y = region.x + column * span, region.y + row * span
            # Only the part inside the region is read; the tile is padded to full size.
            width = min(span, region.x + region.width - x)
            height = min(span, region.y + region.height - y)
            out_w = max(1, min(TILE_SIZE, math.ceil(width / downsample)))
            out_h = max(1, min(TILE_SIZE, math.ceil(height / downsample)))
            part = slide_io.render_native_region(slide, x, y, width, height, out_w, out_h)
            tile = np.empty((TILE_SIZE, TILE_SIZE, 3), dtype=np.uint8)
            tile[:] = slide.background
            tile[:out_h, :out_w] = np.asarray(part)
            yield encoder.encode(tile)


def _thumbnail(
    slide: slide_io.OpenedSlide, region: Region, properties: dict[str, str]
) -> svs_writer.StrippedImage:
    scale = min(1.0, THUMBNAIL_SIDE / max(region.width, region.height))
    out_w, out_h = max(1, round(region.width * scale)), max(1, round(region.height * scale))
    image = slide_io.render_native_region(
        slide, region.x, region.y, region.width, region.height, out_w, out_h
    )
    header = f"{region.width}x{region.height} -> {out_w}x{out_h} - "
    return svs_writer.StrippedImage(
        np.asarray(image), svs_writer.description(header, properties), "jpeg"
    )


def _properties(source: SlideInfo, region: Region, path_or_uid: str) -> dict[str, str]:
    properties = {
        "OriginalWidth": str(region.width),
        "OriginalHeight": str(region.height),
        "Left": str(region.x),
        "Top": str(region.y),
        "Description": (
            f"Region {region.x},{region.y} {region.width}x{region.height} of {path_or_uid}"
        ),
    }
    if source.mpp_x:
        properties["MPP"] = f"{source.mpp_x:.6f}"
    if source.objective_power:
        properties["AppMag"] = f"{source.objective_power:g}"
    return properties


def extract_annotations(
    path_or_uid: str, annotations: list[Annotation], *, progress: Progress = lambda d, t: None
) -> list[str]:
    """Each annotation's bounding region as a slide of its own (`<stem>-annotation-<id>`);
    their virtual paths, in order."""
    info = engine.slide_info(path_or_uid)
    regions = [region_of(item, info.width, info.height) for item in annotations]
    return [
        extract(
            info.path,
            region,
            target_path(info.path, f"annotation-{abs(item.id)}"),
            progress=progress,
        )
        for item, region in zip(annotations, regions, strict=True)
    ]
