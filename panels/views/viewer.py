"""What the viewer panel asks the server: the data of the slide it is about to show."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from panels.views.decorators import panel_login_required
from studio.access import get_slide_info
from studio.lib.paths import basename
from studio.views.forms import SlideForm, form_errors
from studio.views.pages import viewer_data
from tileserver.errors import TileServerError


@panel_login_required
@require_GET
def slide_info_json(request: HttpRequest) -> HttpResponse:
    """The data the viewer page embeds, as JSON; errors as `{"error": message}`."""
    form = SlideForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form_errors(form)}, status=400)
    path = form.cleaned_data["slide"]
    try:
        info = get_slide_info(request, path)
    except TileServerError as e:
        return JsonResponse({"error": e.message}, status=e.status)
    return JsonResponse({**viewer_data(path, info), "name": basename(info.path)})
