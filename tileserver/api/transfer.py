"""PMA.core's transfer interface: `transfer/Download` (one file of a slide at a time)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse

from pmacore.wire import slide_ref
from studio.lib.file_stream import file_response
from tileserver import engine
from tileserver.api.http import ApiCall


def download(call: ApiCall) -> HttpResponse | StreamingHttpResponse:
    """GET `transfer/Download/?sessionId=&image=<slide>&path=<file relative to the slide's
    folder>`: the file's bytes, streamed with Content-Length (pma_python requires it) and
    Range support. `path` must be one of the files `getfilenames` lists for the slide."""
    real = engine.slide_member(
        slide_ref(call.params.required("image")), call.params.required("path")
    )
    return file_response(call.request, real, filename=real.name)
