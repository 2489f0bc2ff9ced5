"""The viewer panel: the data of the slide it is about to show, and the panel on its own page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from panels.registry import MAX_GRID_SIDE
from panels.views.decorators import panel_login_required
from pmacore.errors import TileServerError
from studio.forms import PathField, SlideForm, form_errors
from studio.lib.paths import basename
from studio.tileclient.calls import slide_info
from studio.tileclient.principals import RequestPrincipal
from studio.viewer_data import viewer_data


@panel_login_required
@require_GET
def slide_info_json(request: HttpRequest) -> HttpResponse:
    """The data the viewer page embeds, as JSON; errors as `{"error": message}`."""
    form = SlideForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form_errors(form)}, status=400)
    path = form.cleaned_data["slide"]
    try:
        info = slide_info(RequestPrincipal(request), path)
    except TileServerError as e:
        return JsonResponse({"error": e.message}, status=e.status)
    data = {
        **viewer_data(path, info),
        "name": basename(info.path),
        "associatedImages": list(info.associated_images),
    }
    return JsonResponse(data)


class ViewerPageForm(forms.Form):
    slide = PathField(required=False)
    rows = forms.IntegerField(required=False, min_value=1, max_value=MAX_GRID_SIDE)
    columns = forms.IntegerField(required=False, min_value=1, max_value=MAX_GRID_SIDE)


@panel_login_required
@require_GET
def viewer_page(request: HttpRequest) -> HttpResponse:
    """The viewer panel on its own page, next to a slide browser."""
    form = ViewerPageForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form_errors(form), content_type="text/plain")
    options = {
        "slide": form.cleaned_data["slide"] or None,
        "rows": form.cleaned_data["rows"] or 1,
        "columns": form.cleaned_data["columns"] or 1,
        "info_url": reverse("panels:slide-info-json"),
    }
    return render(request, "panels/viewer.html", {"options": options, "panel_title": "Viewer"})
