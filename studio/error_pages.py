"""Readable error pages for people (not the plain-text answers of the image routes)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pmacore.errors import NotAuthenticated, TileServerError

# A page that failed because the tile server is away reloads itself this often.
RETRY_SECONDS = 10
TITLES = {
    400: "Bad request",
    404: "Not found",
    422: "Cannot read this slide",
    502: "The tile server had a problem",
    503: "The tile server cannot be reached",
}


def error_page(
    request: HttpRequest,
    status: int,
    title: str,
    message: str,
    *,
    retry_seconds: int = 0,
    share_page: bool = False,
) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "status": status,
        "retry_seconds": retry_seconds,
        "share_page": share_page,
    }
    return render(request, "studio/error.html", context, status=status)


def tile_server_error_page(
    request: HttpRequest, error: TileServerError, *, share_page: bool = False
) -> HttpResponse:
    """The error as a page; a passing outage (502/503) reloads until the server is back.

    A session the tile server no longer knows sends a studio user to the login; on a share
    page (no login there) it is the owner's or the service account's problem, so it shows."""
    if isinstance(error, NotAuthenticated) and not share_page:
        return redirect_to_login(request.get_full_path())
    title = TITLES.get(error.status, "The tile server had a problem")
    retry = RETRY_SECONDS if error.status in (502, 503) else 0
    return error_page(
        request, error.status, title, error.message, retry_seconds=retry, share_page=share_page
    )
