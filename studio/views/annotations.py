"""The annotation routes the browser uses: list, add, change, delete, import and export, on
the logged-in user's behalf.

Bodies are JSON with the keys of PMA.core's AddAnnotation / UpdateAnnotation (`geometry`,
`classification`, `notes`, `color`, `fillColor`, `lineThickness`, `layerID`), read by the
dialect's own readers; errors are `{"error": message}` with the tile server's status.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmacore import formats
from pmacore.annotation_wire import change_from_wire, draft_from_wire
from pmacore.errors import BadRequest, BodyTooLarge, TileServerError
from pmacore.wire import Params
from studio import region_jobs
from studio.annotation_files import export, read_upload, save_upload
from studio.annotations import serve_annotations
from studio.auth import ais_authenticated
from studio.forms import SlideForm, form_errors
from studio.tileclient.calls import acall
from studio.tileclient.principals import RequestPrincipal

MAX_BODY_BYTES = 20 * 1024 * 1024
FORMAT_CHOICES = [(name, name) for name in formats.FORMATS]
EXPORT_CHOICES = [(name, name) for name in formats.WRITABLE]


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
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BodyTooLarge(
            f"The request is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes: "
            "send fewer annotations at a time, or import them as a file"
        ) from None
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest("The request is too large")
    try:
        value = json.loads(raw or b"{}")
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


class ImportForm(forms.Form):
    file = forms.FileField(max_length=255)
    format = forms.ChoiceField(required=False, choices=[("", "detect"), *FORMAT_CHOICES])
    commit = forms.BooleanField(required=False)


class ExportForm(SlideForm):
    format = forms.ChoiceField(choices=EXPORT_CHOICES)


@require_POST
def import_file(request: HttpRequest) -> HttpResponseBase:
    """A file of annotations: without `commit`, a preview (counts per class); with it, all
    of them saved onto the slide, or none."""
    if not request.user.is_authenticated:
        return error(401, "Log in to import annotations.")
    slide_form, form = SlideForm(request.GET), ImportForm(request.POST, request.FILES)
    if not slide_form.is_valid() or not form.is_valid():
        return error(400, form_errors(slide_form) or form_errors(form))
    upload_file = form.cleaned_data["file"]
    if upload_file.size > formats.MAX_FILE_BYTES:
        return error(400, f"{upload_file.name} is too large")
    try:
        upload = read_upload(upload_file.read(), upload_file.name, form.cleaned_data["format"])
        if not form.cleaned_data["commit"]:
            return JsonResponse(
                {"format": upload.format, "count": len(upload.drafts), "classes": upload.classes()}
            )
        ids = save_upload(RequestPrincipal(request), slide_form.cleaned_data["slide"], upload)
    except TileServerError as e:
        return error(e.status, e.message)
    return JsonResponse({"format": upload.format, "ids": ids}, status=201)


@require_GET
def export_file(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return error(401, "Log in to export annotations.")
    form = ExportForm(request.GET)
    if not form.is_valid():
        return error(400, form_errors(form))
    slide, fmt = form.cleaned_data["slide"], form.cleaned_data["format"]
    try:
        result = export(RequestPrincipal(request), slide, fmt)
    except TileServerError as e:
        return error(e.status, e.message)
    stem = slide.rpartition("/")[2].rpartition(".")[0] or "annotations"
    response = HttpResponse(result.data, content_type=result.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}{result.suffix}"
    )
    return response


@require_POST
async def extract_regions(request: HttpRequest) -> HttpResponseBase:
    """Start writing annotated regions as slides of their own: `{"ids": [..]}` (or all of
    the slide's annotations without ids); 202 with the job's status URL."""
    slide = await _slide_or_error(request)
    if isinstance(slide, JsonResponse):
        return slide
    try:
        body = _body(request)
        ids = body.get("ids")
        if ids is None:
            found = await acall(RequestPrincipal(request), lambda c, sid: c.annotations(sid, slide))
            ids = [item.id for item in found]
        if not isinstance(ids, list) or not all(type(i) is int for i in ids) or not ids:
            raise BadRequest("ids must be a non-empty list of annotation ids")
    except TileServerError as e:
        return error(e.status, e.message)
    user = await request.auser()
    job = await sync_to_async(region_jobs.start)(user.pk, slide, ids)
    if job is None:
        return error(409, "An extraction of yours is still running: wait for it to finish.")
    status_url = reverse("annotation-regions-status", args=[job])
    return JsonResponse({"job": job, "status": status_url}, status=202)


@require_GET
async def extract_regions_status(request: HttpRequest, job: str) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return error(401, "Log in first.")
    user = await request.auser()
    found = await sync_to_async(region_jobs.state)(job, user.pk)
    if found is None:
        return error(404, "No such extraction.")
    response = JsonResponse(found)
    response["Cache-Control"] = "no-store"
    return response
