"""A user's own panel arrangement per layout, and the custom URL panels they define."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods, require_POST

from panels.forms import UserCustomPanelForm, parse_arrangement
from panels.layouts.loader import load_layouts
from panels.models import MAX_CUSTOM_PANELS, Arrangement, UserCustomPanel
from panels.views.cockpit import user_panel_data


@login_required
@require_http_methods(["POST", "DELETE"])
def arrangement(request: HttpRequest, layout_id: str) -> HttpResponse:
    """POST saves the arrangement of `layout_id`; DELETE goes back to the file's own."""
    if layout_id not in load_layouts().layouts:
        raise Http404("no such layout")
    mine = Arrangement.objects.for_user(request.user)
    if request.method == "DELETE":
        mine.filter(layout_id=layout_id).delete()
        return HttpResponse(status=204)
    try:
        state = parse_arrangement(request.body)
    except ValueError as e:
        return JsonResponse({"error": str(e)}, status=400)
    mine.update_or_create(user=request.user, layout_id=layout_id, defaults={"state": state})
    return HttpResponse(status=204)


@login_required
@require_POST
def create_custom_panel(request: HttpRequest) -> HttpResponse:
    if UserCustomPanel.objects.for_user(request.user).count() >= MAX_CUSTOM_PANELS:
        message = f"You can keep at most {MAX_CUSTOM_PANELS} custom panels."
        return JsonResponse({"errors": {"__all__": [message]}}, status=400)
    form = UserCustomPanelForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    panel = form.save(commit=False)
    panel.user = request.user
    panel.save()
    return JsonResponse(user_panel_data(panel), status=201)


@login_required
@require_http_methods(["DELETE"])
def custom_panel(request: HttpRequest, pk: int) -> HttpResponse:
    panel = get_object_or_404(UserCustomPanel.objects.for_user(request.user), pk=pk)
    panel.delete()
    return HttpResponse(status=204)
