"""The image routes of share pages: tiles, associated images and annotations by token.

The gate decides (link state, password, scope); the studio's serving code does the rest on
behalf of the link's owner (`OwnerPrincipal`). Refusals carry no slide data: 404 for an
unknown link or a slide the link does not cover, 410 for an expired or suspended link,
403 while the password has not been given in this browser session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET

from sharing.access import PasswordRequired, ShareGone, aget_share
from sharing.models import Share
from studio.forms import ImageForm, SlideForm, form_errors
from studio.lean import lean_route
from studio.serving import ASSOCIATED_IMAGES, serve_associated_image, serve_tile, text_response
from studio.tileclient.principals import OwnerPrincipal

Serve = Callable[[Share], Awaitable[HttpResponse]]


async def _through_gate(request: HttpRequest, token: str, slide: str, serve: Serve) -> HttpResponse:
    try:
        share = await aget_share(request, token, slide_path=slide)
    except ShareGone as gone:
        return text_response(410, gone.title)
    except PasswordRequired:
        return text_response(403, "This link needs its password.")
    except Http404:
        return text_response(404, "Not found.")
    return await serve(share)


@lean_route
@require_GET
async def tile(
    request: HttpRequest, token: str, fingerprint: str, z: int, x: int, y: int
) -> HttpResponseBase:
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    slide = form.cleaned_data["slide"]

    async def serve(share: Share) -> HttpResponse:
        owner = OwnerPrincipal(share.owner_id)
        return await serve_tile(owner, request, slide, fingerprint, z, x, y)

    return await _through_gate(request, token, slide, serve)


@lean_route
@require_GET
async def associated_image(request: HttpRequest, token: str, kind: str) -> HttpResponseBase:
    if kind not in ASSOCIATED_IMAGES:
        return text_response(404, "Not found.")
    form = ImageForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    query = form.cleaned_data

    async def serve(share: Share) -> HttpResponse:
        return await serve_associated_image(OwnerPrincipal(share.owner_id), request, kind, query)

    return await _through_gate(request, token, query["slide"], serve)


@lean_route
@require_GET
async def annotations(request: HttpRequest, token: str) -> HttpResponseBase:
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))

    async def serve(share: Share) -> HttpResponse:
        if not share.include_annotations:
            return text_response(404, "Not found.")
        response = JsonResponse([], safe=False)
        response["Cache-Control"] = "private, no-cache"
        return response

    return await _through_gate(request, token, form.cleaned_data["slide"], serve)
