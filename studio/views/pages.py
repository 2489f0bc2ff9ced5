"""The studio's pages: the slide browser (the cockpit's no-JavaScript fallback) and the viewer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from studio.access import get_folder_contents, get_slide_info
from studio.lib.paths import basename, breadcrumbs
from studio.views.forms import FolderForm, SlideForm
from tileserver.errors import NotAuthenticated, TileServerError
from tileserver.types import SlideInfo

THUMBNAIL_WIDTH = 240
THUMBNAIL_HEIGHT = 160


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    return render(request, "studio/error.html", context, status=status)


def tile_server_error_page(request: HttpRequest, error: TileServerError) -> HttpResponse:
    if isinstance(error, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    titles = {400: "Bad request", 404: "Not found", 422: "Cannot read this slide"}
    title = titles.get(error.status, "The tile server had a problem")
    return error_page(request, error.status, title, error.message)


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    form = FolderForm(request.GET)
    if not form.is_valid():
        return error_page(request, 400, "Bad folder", form.errors["folder"][0])
    folder = form.cleaned_data["folder"]
    try:
        folders, slides = get_folder_contents(request, folder)
    except TileServerError as e:
        return tile_server_error_page(request, e)
    context = {
        "folder": folder,
        "breadcrumbs": breadcrumbs(folder),
        "folders": [(basename(path), path) for path in folders],
        "slides": [(basename(path), path) for path in slides],
        "thumbnail_size": (THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT),
    }
    return render(request, "studio/home.html", context)


@login_required
@require_GET
def viewer(request: HttpRequest) -> HttpResponse:
    form = SlideForm(request.GET)
    if not form.is_valid():
        return error_page(request, 400, "Bad slide", form.errors["slide"][0])
    path = form.cleaned_data["slide"]
    try:
        info = get_slide_info(request, path)
    except TileServerError as e:
        return tile_server_error_page(request, e)
    folder = path.rpartition("/")[0]
    context = {
        "info": info,
        "name": basename(info.path),
        "breadcrumbs": breadcrumbs(folder),
        "data": viewer_data(path, info),
    }
    return render(request, "studio/viewer.html", context)


def viewer_data(path: str, info: SlideInfo) -> dict[str, object]:
    """What viewer.js needs to know about the slide (goes into the page as JSON)."""
    first_tile = reverse("tile", args=[info.fingerprint, 0, 0, 0])
    query = urlencode({"slide": path})
    return {
        "path": path,
        "fingerprint": info.fingerprint,
        "width": info.width,
        "height": info.height,
        "tileSize": info.tile_size,
        "maxZoomLevel": info.max_zoom_level,
        "mppX": info.mpp_x,
        "mppY": info.mpp_y,
        "magnification": info.magnification,
        "backgroundColor": info.background_color,
        "tileUrl": first_tile.removesuffix("/0/0_0.jpg") + "/{z}/{x}_{y}.jpg?" + query,
    }
