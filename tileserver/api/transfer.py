"""PMA.core's transfer interface: `transfer/Download` (one file of a slide at a time) and
`transfer/Upload` (header, one request per file, finish; see tileserver/uploads.py)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse

from pmacore.errors import BadRequest
from pmacore.wire import slide_ref
from studio.lib.file_stream import file_response
from tileserver import engine, uploads
from tileserver.api.http import ApiCall, bare_json


def download(call: ApiCall) -> HttpResponse | StreamingHttpResponse:
    """GET `transfer/Download/?sessionId=&image=<slide>&path=<file relative to the slide's
    folder>`: the file's bytes, streamed with Content-Length (pma_python requires it) and
    Range support. `path` must be one of the files `getfilenames` lists for the slide."""
    real = engine.slide_member(
        slide_ref(call.params.required("image")), call.params.required("path")
    )
    return file_response(call.request, real, filename=real.name)


def upload(call: ApiCall) -> JsonResponse:
    """POST `transfer/Upload?sessionId=` with `{"path": folder, "files": [{"path", "length",
    "isMain"}]}`: a new upload's Id. The answer has only the keys pma_python's
    UploadResponse takes, and no UploadType: its uploader then sends each file here (a
    FileSystem type would send it to a PMA.start on the client's own machine)."""
    assert call.session is not None
    started = uploads.start(call.session.user, call.params.text("path"), call.params.raw("files"))
    return bare_json({"Id": started.pk, "UploadType": None, "Urls": None, "MultipartFiles": None})


def upload_step(call: ApiCall) -> JsonResponse:
    """`transfer/Upload/<Id>`: POST one file (`path=` the announced relative path, the bytes
    as the single file part of a multipart body); GET finishes the upload."""
    assert call.session is not None
    user = call.session.user
    upload_id = _upload_id(call.tail)
    if call.request.method == "POST":
        parts = list(call.request.FILES.values())
        if len(parts) != 1:
            raise BadRequest("Send exactly one file per request, as a multipart file part.")
        relative = call.params.required("path")
        with parts[0].open("rb") as source:
            written = uploads.receive(user, upload_id, relative, source)
        return bare_json({"Path": relative, "Length": written})
    finished = uploads.finish(user, upload_id)
    return bare_json({"Path": finished.slide_path, "Fingerprint": finished.fingerprint})


def _upload_id(tail: str) -> int:
    if not tail.isdigit():
        raise BadRequest(f"{tail!r} is not an upload Id (only FileSystem uploads are taken).")
    return int(tail)
