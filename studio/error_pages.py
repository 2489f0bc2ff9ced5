"""Readable error pages for people (not the plain-text answers of the image routes)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pmacore.errors import NotAuthenticated, TileServerError


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    return render(request, "studio/error.html", context, status=status)


def tile_server_error_page(request: HttpRequest, error: TileServerError) -> HttpResponse:
    if isinstance(error, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    titles = {
        400: "Bad request",
        404: "Not found",
        422: "Cannot read this slide",
        502: "The tile server had a problem",
        503: "The tile server cannot be reached",
    }
    title = titles.get(error.status, "The tile server had a problem")
    return error_page(request, error.status, title, error.message)
