"""The image routes the browser uses: tiles and associated images, proxied from the tile server.

This is the hot path. The views are async and hand the blocking tile-server call to the
tile thread pool; a warm tile costs cache reads only (session, login check, slide info,
tile), no database query. Tile URLs carry the slide's fingerprint, so they never change
meaning and browsers may keep them forever.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import parse_etags
from django.views.decorators.http import require_GET

from studio.access import Call, RequestSession, TileSession, acall_with, aslide_info_with
from studio.auth import ais_authenticated
from studio.lean import lean_route
from studio.views.forms import ImageForm, SlideForm, form_errors
from tileserver.errors import TileServerError
from tileserver.types import EncodedImage, SlideInfo

TILE_CACHE_CONTROL = "private, max-age=31536000, immutable"
IMAGE_CACHE_CONTROL = "private, max-age=300"
TILE_CACHE_SECONDS = 24 * 3600
IMAGE_CACHE_SECONDS = 3600
ASSOCIATED_IMAGES = ("thumbnail", "label", "macro")


@lean_route
@require_GET
async def tile(request: HttpRequest, fingerprint: str, z: int, x: int, y: int) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return text_response(401, "Log in to see this slide.")
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    slide = form.cleaned_data["slide"]
    return await serve_tile(RequestSession(request), request, slide, fingerprint, z, x, y)


@lean_route
@require_GET
async def associated_image(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in ASSOCIATED_IMAGES:
        return text_response(404, "No such image.")
    if not await ais_authenticated(request):
        return text_response(401, "Log in to see this slide.")
    form = ImageForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    return await serve_associated_image(RequestSession(request), request, kind, form.cleaned_data)


# The serving itself, shared by the studio's routes and the share links' routes: each
# checks who may see `slide` first, then hands over with the tile-server session to use.


async def serve_tile(
    session: TileSession, request: HttpRequest, slide: str, fingerprint: str, z: int, x: int, y: int
) -> HttpResponse:
    try:
        info = await aslide_info_with(session, slide)
    except TileServerError as e:
        return text_response(e.status, e.message)
    if info.fingerprint != fingerprint:
        return text_response(404, "This tile address is out of date: the slide has changed.")
    if not _tile_exists(info, x, y, z):
        return text_response(400, f"There is no tile {x}, {y} at zoom level {z}.")

    return await _cached_image(
        request,
        session,
        f"{fingerprint}-{z}-{x}-{y}",
        lambda client, sid: client.tile(sid, slide, x, y, z),
        TILE_CACHE_CONTROL,
        TILE_CACHE_SECONDS,
    )


async def serve_associated_image(
    session: TileSession, request: HttpRequest, kind: str, query: dict[str, Any]
) -> HttpResponse:
    """`kind` is one of ASSOCIATED_IMAGES; `query` is a valid ImageForm's cleaned data."""
    slide = query["slide"]
    width, height = query["w"] or 0, query["h"] or 0
    try:
        info = await aslide_info_with(session, slide)
    except TileServerError as e:
        return text_response(e.status, e.message)

    return await _cached_image(
        request,
        session,
        f"{info.fingerprint}-{kind}-{width}x{height}",
        lambda client, sid: getattr(client, kind)(sid, slide, width, height),
        IMAGE_CACHE_CONTROL,
        IMAGE_CACHE_SECONDS,
    )


async def _cached_image(
    request: HttpRequest,
    session: TileSession,
    name: str,
    fetch: Call[EncodedImage],
    cache_control: str,
    cache_seconds: int,
) -> HttpResponse:
    """Answer 304 to a matching ETag, else the image from the cache or from the tile server.

    `name` identifies the image and contains the slide's fingerprint, so it serves as both
    ETag and cache key: a changed slide gets new names and never meets its old images."""
    etag = f'"{name}"'
    if _matches(request, etag):
        return _not_modified(etag, cache_control)
    key = f"studio:image:{name}"
    image = await cache.aget(key)
    if image is None:
        try:
            image = await acall_with(session, fetch)
        except TileServerError as e:
            return text_response(e.status, e.message)
        await cache.aset(key, image, cache_seconds)
    return _image(image, etag, cache_control)


def _tile_exists(info: SlideInfo, x: int, y: int, z: int) -> bool:
    if not 0 <= z <= info.max_zoom_level:
        return False
    scale = 2 ** (info.max_zoom_level - z) * info.tile_size
    # Ceiling division: the number of tiles across and down at level z.
    return 0 <= x < -(-info.width // scale) and 0 <= y < -(-info.height // scale)


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
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
