"""The studio's pages: the slide browser (the cockpit's no-JavaScript fallback) and the viewer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pmacore.errors import TileServerError
from studio.error_pages import error_page, tile_server_error_page
from studio.forms import FolderForm, SlideForm
from studio.lib.paths import basename, breadcrumbs
from studio.tileclient.calls import folder_contents, slide_info
from studio.tileclient.principals import RequestPrincipal
from studio.viewer_data import THUMBNAIL_HEIGHT, THUMBNAIL_WIDTH, viewer_data


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    form = FolderForm(request.GET)
    if not form.is_valid():
        return error_page(request, 400, "Bad folder", form.errors["folder"][0])
    folder = form.cleaned_data["folder"]
    try:
        folders, slides = folder_contents(RequestPrincipal(request), folder)
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
        info = slide_info(RequestPrincipal(request), path)
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
