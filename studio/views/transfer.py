"""Getting slides out of (and into) the tile server from the browser, through the
tile-server client, so that it works alike with the embedded server and a remote one.

`GET /slides/download/?slide=PATH`: a slide of one file as it is; a slide of several
(an MRXS and its data folder, a DICOM series) as a zip streamed while it is made.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from pmacore.errors import SlideNotFound, TileServerError
from pmacore.types import SlideFile
from studio.auth import ais_authenticated
from studio.forms import SlideForm, form_errors
from studio.lib.file_stream import in_thread
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
            name = relative_to_slide(files[0].path, slide)
            download = await acall(
                principal, lambda client, sid: client.download_file(sid, slide, name)
            )
        session_id = await principal.aget()
    except TileServerError as e:
        return error(e.status, e.message)
    if len(files) == 1:
        filename = name.rpartition("/")[2]
        response = StreamingHttpResponse(
            in_thread(download.chunks(), download.close),
            content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        response["Content-Length"] = str(download.size)
    else:
        filename = slide.rpartition("/")[2].rpartition(".")[0] + ".zip"
        members = [_zip_member(session_id, slide, file) for file in files]
        response = StreamingHttpResponse(
            in_thread(zip_chunks(members)), content_type="application/zip"
        )
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
