"""Image endpoints at the API root: tile, thumbnail, barcode (label), macro, region.

These are async: the engine's blocking work runs in the process's thread pools
(studio/lib/blocking.py): tiles in the tile pool, images made to measure in the render pool,
so that image requests neither queue on the shared thread of sync views nor on each other.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.http import HttpResponse
from PIL import Image

from pmacore.errors import BadRequest
from pmacore.types import EncodedImage
from pmacore.wire import slide_ref
from studio.lib.blocking import run_blocking, run_rendering
from tileserver import engine
from tileserver.api.http import ApiCall, image_response
from tileserver.lib.in_flight import InFlight

TILE_MAX_AGE = 24 * 3600
IMAGE_MAX_AGE = 3600
MAX_IMAGE_SIDE = engine.MAX_OUTPUT_SIDE  # checked here too: bad sizes never reach the pool
# Regions are the dearest renders: a user gets this many at once per process.
REGIONS_PER_USER = 2
regions_in_flight = InFlight(REGIONS_PER_USER, "regions")


def _slide(call: ApiCall) -> str:
    return slide_ref(call.params.required("pathOrUid"))


def _box(call: ApiCall) -> tuple[int, int]:
    """`w` and `h`, where 0 (or nothing) means unspecified."""
    width = call.params.integer("w", 0, minimum=0)
    height = call.params.integer("h", 0, minimum=0)
    if max(width, height) > MAX_IMAGE_SIDE:
        raise BadRequest(f"Images are at most {MAX_IMAGE_SIDE} pixels wide and high")
    return width, height


async def tile(call: ApiCall) -> HttpResponse:
    params = call.params
    image = await run_blocking(
        engine.tile,
        _slide(call),
        params.integer("x", 0, minimum=0),
        params.integer("y", 0, minimum=0),
        params.integer("z", 0, minimum=0),
        fmt=params.image_format(),
        quality=params.quality(),
    )
    return image_response(call.request, image, max_age=TILE_MAX_AGE, etag=True)


async def thumbnail(call: ApiCall) -> HttpResponse:
    image = await run_rendering(engine.thumbnail, _slide(call), *_box(call))
    return image_response(call.request, image, max_age=IMAGE_MAX_AGE)


async def barcode(call: ApiCall) -> HttpResponse:
    image = await run_rendering(engine.label, _slide(call), *_box(call))
    return image_response(call.request, image, max_age=IMAGE_MAX_AGE)


async def macro(call: ApiCall) -> HttpResponse:
    image = await run_rendering(engine.macro, _slide(call), *_box(call))
    return image_response(call.request, image, max_age=IMAGE_MAX_AGE)


async def region(call: ApiCall) -> HttpResponse:
    """x, y, width, height in native pixels; the image is (width, height) times scale,
    then flipped and rotated (degrees clockwise) as asked."""
    params = call.params
    width = params.integer("width", minimum=1)
    height = params.integer("height", minimum=1)
    scale = params.number("scale", 1.0)
    if scale <= 0:
        raise BadRequest("Parameter scale must be positive")
    if max(width, height) * scale > MAX_IMAGE_SIDE:
        raise BadRequest(f"Regions are at most {MAX_IMAGE_SIDE} pixels wide and high")
    turn = Turn(
        flip_horizontal=params.boolean("flipHorizontal"),
        flip_vertical=params.boolean("flipVertical"),
        rotation=params.number("rotation", 0.0) % 360,
    )
    download = params.boolean("downloadInsteadOfDisplay")
    fmt, quality = params.image_format(), params.quality()
    assert call.session is not None
    with regions_in_flight.slot(call.session.user_id):
        image = await run_rendering(
            _turned_region,
            _slide(call),
            (params.integer("x", 0, minimum=0), params.integer("y", 0, minimum=0), width, height),
            scale,
            turn,
            fmt,
            quality,
        )
    response = image_response(call.request, image, max_age=IMAGE_MAX_AGE)
    if download:
        response["Content-Disposition"] = f'attachment; filename="region.{fmt}"'
    return response


@dataclass(frozen=True)
class Turn:
    flip_horizontal: bool = False
    flip_vertical: bool = False
    rotation: float = 0.0

    def __bool__(self) -> bool:
        return self.flip_horizontal or self.flip_vertical or self.rotation != 0


def _turned_region(
    slide: str, box: tuple[int, int, int, int], scale: float, turn: Turn, fmt: str, quality: int
) -> EncodedImage:
    # Untouched regions go out as the engine encoded them; turning means one decode more.
    image = engine.region(slide, *box, scale=scale, fmt=fmt, quality=quality)
    if not turn:
        return image
    with Image.open(io.BytesIO(image.data)) as decoded:
        picture = decoded.convert("RGB")
    if turn.flip_horizontal:
        picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if turn.flip_vertical:
        picture = picture.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    if turn.rotation:
        picture = picture.rotate(-turn.rotation, expand=True, fillcolor=(255, 255, 255))
    out = io.BytesIO()
    if fmt == "png":
        picture.save(out, "PNG")
    else:
        picture.save(out, "JPEG", quality=quality)
    return EncodedImage(out.getvalue(), image.content_type)
