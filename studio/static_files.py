"""Static files as the studio process serves them itself (`make run`, one machine).

Django's handler, with two fixes: a path that climbs out of the static folders
(`/static/../../etc/passwd`) is a 404 rather than a 500, and every answer carries
`X-Content-Type-Options: nosniff`, as the studio's other answers do. Behind a front proxy
(collectstatic), the proxy must do both.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponseBase


class StaticFiles(ASGIStaticFilesHandler):
    def serve(self, request: HttpRequest) -> Any:
        try:
            return super().serve(request)
        except SuspiciousOperation:
            raise Http404("No such file.") from None

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response = await super().get_response_async(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
