"""The annotation routes the browser uses: list, add, change, delete (on the user's behalf).

Bodies are JSON with the keys of PMA.core's AddAnnotation / UpdateAnnotation (`geometry`,
`classification`, `notes`, `color`, `fillColor`, `lineThickness`, `layerID`), read by the
dialect's own readers; errors are `{"error": message}` with the tile server's status.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmacore.annotation_wire import change_from_wire, draft_from_wire
from pmacore.errors import BadRequest, TileServerError
from pmacore.wire import Params
from studio.annotations import serve_annotations
from studio.auth import ais_authenticated
from studio.forms import SlideForm, form_errors
from studio.tileclient.calls import acall
from studio.tileclient.principals import RequestPrincipal

MAX_BODY_BYTES = 20 * 1024 * 1024


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


async def _slide_or_error(request: HttpRequest) -> str | JsonResponse:
    if not await ais_authenticated(request):
        return error(401, "Log in to see this slide.")
    form = SlideForm(request.GET)
    if not form.is_valid():
        return error(400, form_errors(form))
    return form.cleaned_data["slide"]


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest("The request is too large")
    try:
        value = json.loads(request.body or b"{}")
    except ValueError:
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object")
    return value


@require_http_methods(["GET", "POST"])
async def annotations(request: HttpRequest) -> HttpResponseBase:
    """GET: the slide's annotations. POST `{"added": [...]}`: new ones, all or nothing."""
    slide = await _slide_or_error(request)
    if isinstance(slide, JsonResponse):
        return slide
    principal = RequestPrincipal(request)
    if request.method == "GET":
        return await serve_annotations(principal, slide, editable=True)
    try:
        items = _body(request).get("added")
        if not isinstance(items, list) or not items:
            raise BadRequest("added must be a non-empty list of annotations")
        drafts = [draft_from_wire(item, where=f"added[{i}]") for i, item in enumerate(items)]
        ids = await acall(principal, lambda c, sid: c.save_annotations(sid, slide, drafts))
    except TileServerError as e:
        return error(e.status, e.message)
    return JsonResponse({"ids": ids}, status=201)


@require_GET
async def copies(request: HttpRequest) -> HttpResponseBase:
    """Annotations made on identical copies of the slide elsewhere (read-only here)."""
    slide = await _slide_or_error(request)
    if isinstance(slide, JsonResponse):
        return slide
    return await serve_annotations(RequestPrincipal(request), slide, editable=False, copies=True)


@require_POST
async def change(request: HttpRequest, annotation_id: int) -> HttpResponseBase:
    slide = await _slide_or_error(request)
    if isinstance(slide, JsonResponse):
        return slide
    try:
        update = change_from_wire(Params.of(_body(request)))
        await acall(
            RequestPrincipal(request),
            lambda c, sid: c.update_annotation(sid, slide, annotation_id, update),
        )
    except TileServerError as e:
        return error(e.status, e.message)
    return HttpResponse(status=204)


@require_POST
async def delete(request: HttpRequest, annotation_id: int) -> HttpResponseBase:
    slide = await _slide_or_error(request)
    if isinstance(slide, JsonResponse):
        return slide
    try:
        await acall(
            RequestPrincipal(request),
            lambda c, sid: c.delete_annotation(sid, slide, annotation_id),
        )
    except TileServerError as e:
        return error(e.status, e.message)
    return HttpResponse(status=204)
