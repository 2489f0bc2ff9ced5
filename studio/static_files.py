"""Static files as the studio process serves them itself (`make run`, one machine).

Django's handler, with four changes: a path that climbs out of the static folders
(`/static/../../etc/passwd`) is a 404 rather than a 500; every answer carries
`X-Content-Type-Options: nosniff`, as the studio's other answers do; text (scripts,
styles, SVG, JSON) is sent gzipped to browsers that accept it, compressed once per file
version and kept in memory (the cockpit's first load shrinks to about a quarter); and
pages name each file with its content's hash (`{% static %}` gives
`/static/panels/js/cockpit.js?v=3f9c0a1b2c4d`, `VersionedStorage`), which browsers may then
keep for a year without asking again, while anything else (a module another imports by a
relative path) is asked again each time and answered 304 while it has not changed.
Behind a front proxy (collectstatic), the proxy must do the same.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
MAX_COMPRESSED_FILE = 8 * 1024 * 1024
VERSION_LENGTH = 12
# For a URL that carries the file's current hash: its content never changes.
FOREVER = "public, max-age=31536000, immutable"


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
        name = getattr(request, "static_file", None)
        if response.status_code in (200, 304) and isinstance(name, str):
            current = request.GET.get("v") == version_of(name)
            response["Cache-Control"] = FOREVER if current else "no-cache"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class VersionedStorage(StaticFilesStorage):
    """`{% static %}` URLs that carry the hash of the file they name (`?v=...`)."""

    def url(self, name: str | None) -> str:
        url = super().url(name)
        found = finders.find(name) if name else None
        if isinstance(found, str) and os.path.isfile(found):
            return f"{url}?v={version_of(found)}"
        return url


def version_of(path: str) -> str:
    """The first characters of the SHA-256 of the file at `path` as it is now."""
    stat = os.stat(path)
    return _hashed(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _hashed(path: str, mtime_ns: int, size: int) -> str:
    # Keyed by the file's date and size as well: an edited file is hashed again.
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()[:VERSION_LENGTH]


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
