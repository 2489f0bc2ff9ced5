"""The image routes the browser uses: tiles and associated images, proxied from the tile server.

This is the hot path. The views are async and hand the blocking tile-server call to the
tile thread pool; a warm tile costs cache reads only (session, login check, slide info,
tile), no database query. The serving itself is studio/serving.py.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

from studio.auth import ais_authenticated
from studio.forms import ImageForm, form_errors
from studio.lean import lean_route
from studio.serving import (
    ASSOCIATED_IMAGES,
    serve_associated_image,
    serve_tile,
    text_response,
    tile_slide,
)
from studio.tileclient.principals import RequestPrincipal


@lean_route
@require_GET
async def tile(request: HttpRequest, fingerprint: str, z: int, x: int, y: int) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return text_response(401, "Log in to see this slide.")
    slide = tile_slide(request)
    if isinstance(slide, HttpResponse):
        return slide
    return await serve_tile(RequestPrincipal(request), request, slide, fingerprint, z, x, y)


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
    return await serve_associated_image(RequestPrincipal(request), request, kind, form.cleaned_data)
