"""Custom URL panels: an iframe whose address is the panel's URL template, filled in for
the selected slide (see `panels.lib.url_template` and `layouts/README.md`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from panels.layouts.loader import load_layouts
from panels.layouts.model import CustomPanel
from panels.lib.tokens import make_token
from panels.lib.url_template import UrlTemplateError, expand
from panels.models import UserCustomPanel
from panels.views.decorators import panel_login_required
from panels.views.fragments import render_panel, slide_or_error, tile_server_failure
from pmacore.errors import TileServerError
from studio.tileclient.calls import slide_info
from studio.tileclient.principals import RequestPrincipal


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
    slide, error = slide_or_error(request)
    if error:
        return error
    context: dict[str, Any] = {"slide": slide, "panel_title": title}
    if slide:
        try:
            info = slide_info(RequestPrincipal(request), slide)
        except TileServerError as e:
            return tile_server_failure(request, e, title)
        values = {
            "server": request.build_absolute_uri("/"),
            "slide": slide,
            "folder": slide.rpartition("/")[0],
            "uid": info.uid,
            "token": make_token(slide, request.user.pk),
        }
        try:
            context["src"] = expand(url_template, values)
        except UrlTemplateError as e:
            context["template_error"] = str(e)
    return render_panel(request, "panels/custom.html", context)
