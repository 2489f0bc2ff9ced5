"""Serving tiles and associated images: shared by every route that hands them out.

The studio's own image routes, the share links' and the panel tokens' each decide who may
see a slide and on whose behalf (a principal), then call `serve_tile` or
`serve_associated_image`. Tile URLs carry the slide's fingerprint, so they never change
meaning: the fingerprint is checked against the principal's own slide info before a cached
tile (shared by everyone who may see that slide) is handed out.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags

from pmacore.errors import TileServerError
from pmacore.types import EncodedImage, SlideInfo
from studio.lib.blocking import run_rendering
from studio.lib.byte_lru import ByteLRU
from studio.lib.paths import clean_virtual_path
from studio.tileclient.calls import AsyncCall, acall_async, aslide_info
from studio.tileclient.principals import Principal

TILE_CACHE_CONTROL = "private, max-age=31536000, immutable"
IMAGE_CACHE_CONTROL = "private, max-age=300"
ASSOCIATED_IMAGES = ("thumbnail", "label", "macro")
# Tile query strings whose slide is remembered (one per slide being viewed, in practice).
MAX_TILE_QUERIES = 1024
_tile_slides: dict[str, str] = {}


def tile_slide(request: HttpRequest) -> str | HttpResponse:
    """A tile request's `slide` parameter, or the 400 answer to it. Checked without a form:
    tiles come hundreds a second, each slide's with the same query string, so a good
    answer is remembered by it (parsing and decoding it was a tenth of a cold tile)."""
    query = request.META.get("QUERY_STRING", "")
    slide = _tile_slides.get(query)
    if slide is not None:
        return slide
    try:
        slide = clean_virtual_path(request.GET.get("slide", ""))
    except ValueError as e:
        return text_response(400, f"slide: {e}")
    if len(_tile_slides) >= MAX_TILE_QUERIES:
        _tile_slides.clear()
    _tile_slides[query] = slide
    return slide


async def serve_tile(
    principal: Principal, request: HttpRequest, slide: str, fingerprint: str, z: int, x: int, y: int
) -> HttpResponse:
    try:
        info = await aslide_info(principal, slide)
    except TileServerError as e:
        return text_response(e.status, e.message)
    if info.fingerprint != fingerprint:
        return text_response(404, "This tile address is out of date: the slide has changed.")
    if not _tile_exists(info, x, y, z):
        return text_response(400, f"There is no tile {x}, {y} at zoom level {z}.")

    return await _cached_image(
        request,
        principal,
        f"{fingerprint}-{z}-{x}-{y}",
        lambda client, sid: client.atile(sid, slide, x, y, z),
        TILE_CACHE_CONTROL,
    )


async def serve_associated_image(
    principal: Principal, request: HttpRequest, kind: str, query: dict[str, Any]
) -> HttpResponse:
    """`kind` is one of ASSOCIATED_IMAGES; `query` is a valid ImageForm's cleaned data."""
    slide = query["slide"]
    width, height = query["w"] or 0, query["h"] or 0
    try:
        info = await aslide_info(principal, slide)
    except TileServerError as e:
        return text_response(e.status, e.message)

    return await _cached_image(
        request,
        principal,
        f"{info.fingerprint}-{kind}-{width}x{height}",
        lambda client, sid: run_rendering(getattr(client, kind), sid, slide, width, height),
        IMAGE_CACHE_CONTROL,
    )


async def _cached_image(
    request: HttpRequest,
    principal: Principal,
    name: str,
    fetch: AsyncCall[EncodedImage],
    cache_control: str,
) -> HttpResponse:
    """Answer 304 to a matching ETag, else the image from the cache or from the tile server.

    `name` identifies the image and contains the slide's fingerprint, so it serves as both
    ETag and cache key: a changed slide gets new names and never meets its old images."""
    etag = f'"{name}"'
    if _matches(request, etag):
        return _not_modified(etag, cache_control)
    images = _image_cache()
    image = images.get(name)
    if image is None:
        try:
            image = await acall_async(principal, fetch)
        except TileServerError as e:
            return text_response(e.status, e.message)
        images.put(name, image, len(image.data))
    return _image(image, etag, cache_control)


@functools.cache
def _image_cache() -> ByteLRU[str, EncodedImage]:
    # Per process: encoded images are immutable under their names, and a local hit costs
    # no hand-off to a thread or to Redis.
    return ByteLRU(settings.IMAGE_CACHE_BYTES)


def forget_images() -> None:
    """Drop this process's cached images (tests start from an empty cache)."""
    _image_cache.cache_clear()


def _tile_exists(info: SlideInfo, x: int, y: int, z: int) -> bool:
    if not 0 <= z <= info.max_zoom_level:
        return False
    scale = 2 ** (info.max_zoom_level - z) * info.tile_size
    # Ceiling division: the number of tiles across and down at level z.
    return 0 <= x < -(-info.width // scale) and 0 <= y < -(-info.height // scale)


def _matches(request: HttpRequest, etag: str) -> bool:
    # From META: `request.headers` would build a mapping of every header, once per tile.
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    etags = parse_etags(header)
    return "*" in etags or etag in [e.removeprefix("W/") for e in etags]


def _image(image: EncodedImage, etag: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(image.data, content_type=image.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def _not_modified(etag: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def text_response(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
