"""The image routes of share pages: tiles, associated images and annotations by token.

Slides are named by their reference in the share (`Share.slide_ref`), never by internal
path. The gate decides (link state, password, scope); the studio's serving code does the rest on
behalf of the link's owner (`OwnerPrincipal`). Refusals carry no slide data: 404 for an
unknown link or a slide the link does not cover, 410 for an expired or suspended link,
403 while the password has not been given in this browser session. Label and macro images
answer 404 unless the link includes them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

from pmacore.errors import TileServerError
from sharing.access import PasswordRequired, ShareGone, aget_share, check_real_location
from sharing.lib.sizes import snap
from sharing.models import Share
from sharing.relocation import SlideMissing, alocated
from studio.annotations import serve_annotations
from studio.forms import ImageForm, SlideForm, form_errors
from studio.lean import lean_route
from studio.lib import throttle
from studio.serving import (
    ASSOCIATED_IMAGES,
    serve_associated_image,
    serve_tile,
    text_response,
    tile_slide,
)
from studio.tileclient.principals import OwnerPrincipal

Serve = Callable[[Share, str], Awaitable[HttpResponse]]
# Images that may show the label (barcode, often the patient's name): only when the link's
# owner chose to include them.
LABEL_IMAGES = frozenset({"label", "macro"})
# Thumbnails cost a render each (tiles pass stored JPEG through): per link and client
# address, a folder page's worth a few times over per minute.
IMAGE_RATE = throttle.Limit("share-images", max_attempts=240, window_seconds=60)


async def _through_gate(request: HttpRequest, token: str, ref: str, serve: Serve) -> HttpResponse:
    """Run `serve(share, slide_path)` for the slide `ref` names, if the link allows it."""
    try:
        share = await aget_share(request, token, slide=ref)
        path = share.slide_for(ref)
        assert path is not None  # the gate checked
        try:
            path, info = await alocated(share, path)
        except TileServerError as e:
            # The tile server's message names the internal path: say less.
            message = "Not found." if e.status == 404 else "The slide cannot be shown now."
            return text_response(e.status, message)
        except SlideMissing:
            return text_response(404, "The slide was moved or removed.")
        check_real_location(share, info)
    except ShareGone as gone:
        return text_response(410, gone.title)
    except PasswordRequired:
        return text_response(403, "This link needs its password.")
    except Http404:
        return text_response(404, "Not found.")
    return await serve(share, path)


@lean_route
@require_GET
async def tile(
    request: HttpRequest, token: str, fingerprint: str, z: int, x: int, y: int
) -> HttpResponseBase:
    ref = tile_slide(request)
    if isinstance(ref, HttpResponse):
        return ref

    async def serve(share: Share, slide: str) -> HttpResponse:
        owner = OwnerPrincipal(share.owner_id)
        return await serve_tile(owner, request, slide, fingerprint, z, x, y)

    return await _through_gate(request, token, ref, serve)


@lean_route
@require_GET
async def associated_image(request: HttpRequest, token: str, kind: str) -> HttpResponseBase:
    if kind not in ASSOCIATED_IMAGES:
        return text_response(404, "Not found.")
    form = ImageForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    query = form.cleaned_data

    async def serve(share: Share, slide: str) -> HttpResponse:
        if kind in LABEL_IMAGES and not share.include_label_and_macro:
            return text_response(404, "Not found.")
        wait = throttle.attempt(IMAGE_RATE, f"{share.pk}:{throttle.client_address(request)}")
        if wait:
            response = text_response(429, "Too many images asked for: slow down.")
            response["Retry-After"] = str(wait)
            return response
        owner = OwnerPrincipal(share.owner_id)
        sized = {**query, "slide": slide, "w": snap(query["w"]), "h": snap(query["h"])}
        return await serve_associated_image(owner, request, kind, sized)

    return await _through_gate(request, token, query["slide"], serve)


@lean_route
@require_GET
async def annotations(request: HttpRequest, token: str) -> HttpResponseBase:
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))

    async def serve(share: Share, slide: str) -> HttpResponse:
        if not share.include_annotations:
            return text_response(404, "Not found.")
        owner = OwnerPrincipal(share.owner_id)
        return await serve_annotations(owner, slide, editable=False, public_name=ref)

    ref = form.cleaned_data["slide"]
    return await _through_gate(request, token, ref, serve)
