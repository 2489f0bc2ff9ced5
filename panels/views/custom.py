"""Custom URL panels: an iframe whose address is the panel's URL template, filled in for
the selected slide (see `panels.lib.url_template` and `layouts/README.md`).

`?format=json` answers what the frame would be given, as JSON: the cockpit posts it to a
frame that follows the selection by itself (the `studio:selection` message) instead of
reloading it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from panels.layouts.loader import load_layouts
from panels.layouts.model import CustomPanel
from panels.lib.tokens import make_token
from panels.lib.url_template import UrlTemplateError, expand
from panels.models import UserCustomPanel
from panels.views.decorators import panel_login_required
from panels.views.forms import PanelSlideForm
from panels.views.fragments import bad_request, render_panel, tile_server_failure
from pmacore.errors import TileServerError
from studio.forms import form_errors
from studio.tileclient.calls import slide_info
from studio.tileclient.principals import RequestPrincipal

# A frame of our own origin with both allow-scripts and allow-same-origin could remove its
# own sandbox; a frame of another origin keeps its origin and cannot reach ours either way.
SANDBOX_OTHER_ORIGIN = "allow-scripts allow-same-origin allow-forms allow-popups"
SANDBOX_SAME_ORIGIN = "allow-scripts allow-forms allow-popups"


class CustomPanelForm(PanelSlideForm):
    format = forms.ChoiceField(required=False, choices=[("", "HTML"), ("json", "JSON")])


@panel_login_required
@require_GET
def layout_panel(request: HttpRequest, layout_id: str, panel_id: str) -> HttpResponse:
    """A `<custom-panel>` of a layout file."""
    layout = load_layouts().layouts.get(layout_id)
    panels = layout.panels_list() if layout else []
    panel = next((p for p in panels if isinstance(p, CustomPanel) and p.id == panel_id), None)
    if panel is None:
        raise Http404("There is no such custom panel in this layout.")
    return custom_panel(request, panel.title, panel.url_template)


@panel_login_required
@require_GET
def user_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """A custom panel the user defined in the "More" dialog; other users' panels are 404."""
    try:
        panel = UserCustomPanel.objects.get(pk=pk, user=request.user)
    except UserCustomPanel.DoesNotExist:
        raise Http404("There is no such custom panel.") from None
    return custom_panel(request, panel.title, panel.url_template)


def custom_panel(request: HttpRequest, title: str, url_template: str) -> HttpResponse:
    form = CustomPanelForm(request.GET)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    slide, as_json = form.cleaned_data["slide"], form.cleaned_data["format"] == "json"
    context: dict[str, Any] = {"slide": slide, "panel_title": title}
    values: dict[str, Any] = {"server": request.build_absolute_uri("/"), "slide": slide}
    if slide:
        try:
            info = slide_info(RequestPrincipal(request), slide)
        except TileServerError as e:
            if as_json:
                return JsonResponse({"error": e.message}, status=e.status)
            return tile_server_failure(request, e, title)
        values.update(
            folder=slide.rpartition("/")[0],
            uid=info.uid,
            token=make_token(slide, request.user.pk),
        )
        try:
            context["src"] = values["src"] = expand(url_template, values)
        except UrlTemplateError as e:
            context["template_error"] = str(e)
        else:
            context["sandbox"] = sandbox_for(request, context["src"])
    if as_json:
        return JsonResponse(values)
    return render_panel(request, "panels/custom.html", context)


def sandbox_for(request: HttpRequest, src: str) -> str:
    same = urlsplit(src)[:2] == urlsplit(request.build_absolute_uri("/"))[:2]
    return SANDBOX_SAME_ORIGIN if same else SANDBOX_OTHER_ORIGIN
