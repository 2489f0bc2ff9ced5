"""Static files as the studio process serves them itself (`make run`, one machine).

Django's handler, with three changes: a path that climbs out of the static folders
(`/static/../../etc/passwd`) is a 404 rather than a 500; every answer carries
`X-Content-Type-Options: nosniff`, as the studio's other answers do; and text (scripts,
styles, SVG, JSON) is sent gzipped to browsers that accept it, compressed once per file
version and kept in memory (the cockpit's first load shrinks to about a quarter). Behind
a front proxy (collectstatic), the proxy must do all three.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache
from typing import Any

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
MAX_COMPRESSED_FILE = 8 * 1024 * 1024


class StaticFiles(ASGIStaticFilesHandler):
    def serve(self, request: HttpRequest) -> Any:
        try:
            response = super().serve(request)
        except SuspiciousOperation:
            raise Http404("No such file.") from None
        # Where the file is: the async wrapper around its stream forgets it.
        request.static_file = getattr(getattr(response, "file_to_stream", None), "name", None)  # type: ignore[attr-defined]
        return response

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response = await super().get_response_async(request)
        if isinstance(response, FileResponse) and response.status_code == 200:
            response = _maybe_gzipped(request, response)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def _maybe_gzipped(request: HttpRequest, response: FileResponse) -> HttpResponseBase:
    content_type = response.get("Content-Type", "")
    name = getattr(request, "static_file", None)
    if not content_type.startswith(COMPRESSIBLE_TYPES) or not isinstance(name, str):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return response
    stat = os.stat(name)
    if stat.st_size > MAX_COMPRESSED_FILE:
        return response
    body = _compressed(name, stat.st_mtime_ns, stat.st_size)
    compressed = HttpResponse(body, content_type=content_type)
    for header in ("Last-Modified", "Vary"):
        if header in response:
            compressed[header] = response[header]
    compressed["Content-Encoding"] = "gzip"
    compressed["Content-Length"] = str(len(body))
    response.close()
    return compressed


@lru_cache(maxsize=512)
def _compressed(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed by the file's date and size as well: an edited file is compressed again.
    with open(path, "rb") as source:
        return gzip.compress(source.read(), compresslevel=6, mtime=0)
