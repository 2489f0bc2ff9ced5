"""The demo's multi-file slide: a demo section written again as a MIRAX slide (`.mrxs`
and its data folder), so that the studio has a slide of several files to show, download,
upload and copy."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import openslide
from PIL import Image

from tileserver.lib.mrxs_writer import write_mrxs

DEMO_MRXS = "demo/mirax/CASE-003-C2.mrxs"
SOURCE_SVS = "demo/skin/CASE-003/CASE-003-C2.svs"
MAX_SIDE = 6000  # px: the largest level of the source no larger than this is written


def make_demo_mrxs(
    directory: Path,
    *,
    target: str = DEMO_MRXS,
    source: str = SOURCE_SVS,
    force: bool = False,
    log: Callable[[str], object] = print,
) -> Path:
    """Write `target` below `directory` from the (already written) demo slide `source`."""
    directory = Path(directory)
    path = directory / target
    if path.exists() and not force:
        log(f"skipped {target} (exists)")
        return path
    with openslide.OpenSlide(directory / source) as osr:
        fitting = [i for i, dims in enumerate(osr.level_dimensions) if max(dims) <= MAX_SIDE]
        level = fitting[0] if fitting else osr.level_count - 1
        size = osr.level_dimensions[level]
        region = osr.read_region((0, 0), level, size)
        mpp = float(osr.properties.get(openslide.PROPERTY_NAME_MPP_X) or 0.25)
        mpp *= osr.level_downsamples[level]
    image = Image.alpha_composite(Image.new("RGBA", size, "white"), region).convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    slide_id = hashlib.sha256(target.encode()).hexdigest()[:32]  # same bytes every run
    write_mrxs(
        path, image, mpp=round(mpp, 6), objective=20 if mpp >= 0.4 else 40, slide_id=slide_id
    )
    log(f"wrote {target} ({size[0]}x{size[1]}, MIRAX with data folder)")
    return path
