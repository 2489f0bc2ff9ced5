"""Getting slides out of (and into) the tile server from the browser, through the
tile-server client, so that it works alike with the embedded server and a remote one.

`GET /slides/download/?slide=PATH`: a slide of one file as it is, with Last-Modified and
one byte range on request (`Range`, `If-Range`; 206, or 416 for a range outside the file);
a slide of several (an MRXS and its data folder, a DICOM series) as a zip streamed while it
is made (no ranges: the zip does not exist before).

Uploads (static/panels/js/upload.js drives them), JSON answers, errors as `{"error"}`:
- `POST /slides/upload/` `{"folder", "files": [{"path", "length"}]}` (main file first)
  → 201 `{"id"}`: the tile server checks rights, paths, size and overwrites here;
- `POST /slides/upload/<id>/?path=REL` with the file's bytes as the body, one per file;
- `POST /slides/upload/<id>/finish/` → `{"slide": path}`, or 422 when it is no slide.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
from collections.abc import AsyncIterator, Iterator
from functools import partial

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from pmacore.errors import BadRequest, SlideNotFound, TileServerError
from pmacore.types import SlideFile
from studio.auth import ais_authenticated
from studio.forms import SlideForm, form_errors
from studio.lib.byte_ranges import Span
from studio.lib.file_stream import (
    in_thread,
    range_not_satisfiable,
    ranged_response,
    requested_ranges,
)
from studio.lib.zip_stream import ZipMember, zip_chunks
from studio.tileclient import get_client
from studio.tileclient.calls import acall
from studio.tileclient.principals import RequestPrincipal
from studio.tileclient.transfer import relative_to_slide


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
async def download_slide(request: HttpRequest) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return error(401, "Log in to download slides.")
    form = SlideForm(request.GET)
    if not form.is_valid():
        return error(400, form_errors(form))
    slide = form.cleaned_data["slide"]
    principal = RequestPrincipal(request)
    try:
        files = await acall(principal, lambda client, sid: client.slide_files(sid, slide))
        if not files:
            raise SlideNotFound(f"There is no slide at {slide!r}.")
        if len(files) == 1:
            return await _single_file(request, principal, slide, files[0])
        session_id = await principal.aget()
    except TileServerError as e:
        return error(e.status, e.message)
    archive = zip_chunks([_zip_member(session_id, slide, file) for file in files])

    def close() -> None:
        with contextlib.suppress(ValueError):  # still running on its thread: let it be
            archive.close()

    response = StreamingHttpResponse(in_thread(archive, close), content_type="application/zip")
    response._resource_closers.append(close)  # also if never read
    return _as_download(response, slide.rpartition("/")[2].rpartition(".")[0] + ".zip")


async def _single_file(
    request: HttpRequest, principal: RequestPrincipal, slide: str, file: SlideFile
) -> HttpResponseBase:
    """The slide's one file as it is, or the byte ranges asked for."""
    name = relative_to_slide(file.path, slide)
    modified = file.last_modified.timestamp()
    try:
        spans = requested_ranges(request, file.size, modified)
    except ValueError:
        return range_not_satisfiable(file.size)
    filename = name.rpartition("/")[2]
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if spans is not None and len(spans) > 1:
        # Each range is its own transfer/Download, made while the answer is sent.
        session_id = await principal.aget()
        read = partial(_read_span, session_id, slide, name)
        return _as_download(
            ranged_response(spans, file.size, modified, content_type, read), filename
        )
    # Opened before answering, so that a refusal is still an error answer.
    span = spans[0] if spans else None
    download = await acall(
        principal, lambda client, sid: client.download_file(sid, slide, name, span)
    )
    response = ranged_response(
        spans,
        file.size,
        modified,
        content_type,
        lambda _: in_thread(download.chunks(), download.close),
    )
    response._resource_closers.append(download.close)  # also if never read
    return _as_download(response, filename)


def _read_span(session_id: str, slide: str, name: str, span: Span | None) -> AsyncIterator[bytes]:
    def chunks() -> Iterator[bytes]:
        download = get_client().download_file(session_id, slide, name, span)
        try:
            yield from download.chunks()
        finally:
            download.close()

    return in_thread(chunks())


def _as_download(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _zip_member(session_id: str, slide: str, file: SlideFile) -> ZipMember:
    name = relative_to_slide(file.path, slide)

    def chunks() -> Iterator[bytes]:
        download = get_client().download_file(session_id, slide, name)
        try:
            yield from download.chunks()
        finally:
            download.close()

    return ZipMember(name, file.last_modified, chunks)


MAX_FILES = 10_000


@require_POST
async def upload_start(request: HttpRequest) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return error(401, "Log in to upload slides.")
    try:
        folder, files = _announced(request.body)
        upload_id = await acall(
            RequestPrincipal(request),
            lambda client, sid: client.upload_start(sid, folder, files),
        )
    except TileServerError as e:
        return error(e.status, e.message)
    return JsonResponse({"id": upload_id}, status=201)


def _announced(raw: bytes) -> tuple[str, list[tuple[str, int]]]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    folder, items = body.get("folder"), body.get("files")
    if not isinstance(folder, str) or not folder:
        raise BadRequest("Name the folder to upload into.")
    if not isinstance(items, list) or not items or len(items) > MAX_FILES:
        raise BadRequest("List the slide's files (at most 10,000).")
    files = []
    for item in items:
        path = item.get("path") if isinstance(item, dict) else None
        length = item.get("length") if isinstance(item, dict) else None
        if not isinstance(path, str) or not isinstance(length, int) or isinstance(length, bool):
            raise BadRequest("Each file needs a path and a length in bytes.")
        files.append((path, length))
    return folder, files


@require_POST
async def upload_file(request: HttpRequest, upload_id: int) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return error(401, "Log in to upload slides.")
    relative = request.GET.get("path", "")
    length = request.META.get("CONTENT_LENGTH", "")
    if not relative or not str(length).isdigit():
        return error(400, "Send one file: its path in `path`, its bytes as the body.")
    try:
        session_id = await RequestPrincipal(request).aget()
        # On a thread of its own: a large file must not hold a tile thread.
        await sync_to_async(_send_file, thread_sensitive=False)(
            session_id, upload_id, relative, request, int(length)
        )
    except TileServerError as e:
        return error(e.status, e.message)
    return JsonResponse({"path": relative, "length": int(length)})


def _send_file(
    session_id: str, upload_id: int, relative: str, request: HttpRequest, length: int
) -> None:
    try:
        get_client().upload_file(session_id, upload_id, relative, request, length)
    finally:
        close_old_connections()  # this thread is not one Django cleans up after


@require_POST
async def upload_finish(request: HttpRequest, upload_id: int) -> HttpResponseBase:
    if not await ais_authenticated(request):
        return error(401, "Log in to upload slides.")
    try:
        slide = await acall(
            RequestPrincipal(request), lambda client, sid: client.upload_finish(sid, upload_id)
        )
    except TileServerError as e:
        return error(e.status, e.message)
    return JsonResponse({"slide": slide})
