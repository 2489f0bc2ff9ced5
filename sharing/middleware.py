"""Share recipients never see Django's debug pages.

With DEBUG on (as under `make run`), a 404 is Django's technical page, which lists every
URL pattern of the studio. A recipient of a link is a stranger: under the share prefix,
they get the project's own 404 page, as in production.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import iscoroutinefunction

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils.decorators import sync_and_async_middleware

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]

# The prefix of every page a recipient opens (sharing/urls.py).
SHARE_PREFIX = "/s/"


def _plain_404(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code != 404 or not settings.DEBUG:
        return response
    if not request.path.startswith(SHARE_PREFIX):
        return response
    if not response.get("Content-Type", "").startswith("text/html"):
        return response
    return HttpResponseNotFound(render_to_string("404.html", request=request))


@sync_and_async_middleware
def no_debug_pages_for_recipients(get_response: GetResponse) -> GetResponse:
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            return _plain_404(request, await get_response(request))  # type: ignore[misc]

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        return _plain_404(request, get_response(request))  # type: ignore[arg-type]

    return middleware
