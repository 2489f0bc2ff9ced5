"""The owner's side of share links in the cockpit: creating them and the shared-links panel."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pmacore.errors import TileServerError
from sharing import catalog
from sharing.actions import create_share, do_delete, do_reactivate, do_recycle, do_suspend
from sharing.forms import CreateLinkForm, LinkFilterForm, RecycleForm
from sharing.models import Share
from sharing.views import share_url
from studio.tileclient.principals import Principal, RequestPrincipal

LIST_TARGET = "shared-links-list"


def _errors(form_errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": form_errors}, status=status)


@login_required
@require_POST
def create_link(request: HttpRequest) -> JsonResponse:
    form = CreateLinkForm(request.POST)
    if not form.is_valid():
        return _errors({field: list(errors) for field, errors in form.errors.items()})
    data = form.cleaned_data
    try:
        target = _resolved(RequestPrincipal(request), _target(data))
        share = create_share(
            request.user,
            password=data["password"],
            expires_at=data["expires_at"],
            include_annotations=data["include_annotations"],
            include_label_and_macro=data["include_label_and_macro"],
            label=data["label"],
            **target,
        )
    except TileServerError as e:
        return _errors({_target_field(data["kind"]): [e.message]})
    except ValidationError as e:
        return _errors({_target_field(data["kind"]): e.messages})
    return JsonResponse(link_json(request, share), status=201)


def _target(data: dict[str, Any]) -> dict[str, Any]:
    kind = data["kind"]
    if kind == Share.Kind.SLIDE:
        return {"kind": kind, "path": data["slide"]}
    if kind == Share.Kind.FOLDER:
        return {"kind": kind, "path": data["folder"]}
    return {"kind": kind, "grid": data["grid"]}


def _target_field(kind: str) -> str:
    return {"slide": "slide", "folder": "folder", "grid": "grid"}[kind]


def _resolved(creator: Principal, target: dict[str, Any]) -> dict[str, Any]:
    """The target with every slide's path as the tile server knows it, looked up as the
    creator sees it; raises when missing."""
    if target["kind"] == Share.Kind.FOLDER:
        catalog.check_folder(creator, target["path"])
        return target
    if target["kind"] == Share.Kind.SLIDE:
        paths, fingerprints = catalog.slides(creator, [target["path"]])
        return {**target, "path": paths[0], "fingerprints": fingerprints}
    slides, fingerprints = catalog.slides(creator, target["grid"]["slides"])
    return {**target, "grid": {**target["grid"], "slides": slides}, "fingerprints": fingerprints}


def link_json(request: HttpRequest, share: Share) -> dict[str, Any]:
    png = reverse("sharing:qr-png", args=[share.token])
    svg = reverse("sharing:qr-svg", args=[share.token])
    return {
        "url": share_url(request, share),
        "kind": share.kind,
        "target": share.target_display(),
        "expiresAt": share.expires_at.isoformat() if share.expires_at else None,
        "hasPassword": share.has_password,
        "includeAnnotations": share.include_annotations,
        "includeLabelAndMacro": share.include_label_and_macro,
        "qrPng": png,
        "qrSvg": svg,
        "qrPngDownload": png + "?download=1",
        "qrSvgDownload": svg + "?download=1",
    }


# The shared-links panel. The shell loads it with htmx; without htmx it is a page of its
# own. Every action re-renders the list with the filters the panel shows.


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    filters = LinkFilterForm(request.GET)
    if not filters.is_valid():
        return HttpResponse("Bad filter.", status=400, content_type="text/plain; charset=utf-8")
    if request.htmx.target == LIST_TARGET:  # type: ignore[attr-defined]
        return _render_list(request, filters)
    template = "sharing/panel.html" if request.htmx else "sharing/panel_page.html"  # type: ignore[attr-defined]
    return render(request, template, _panel_context(request, filters))


def _owned(request: HttpRequest, pk: int) -> Share:
    return get_object_or_404(Share, pk=pk, owner=request.user)


@login_required
@require_POST
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    do_suspend(Share.objects.filter(pk=_owned(request, pk).pk))
    return _after_action(request)


@login_required
@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    do_reactivate(Share.objects.filter(pk=_owned(request, pk).pk))
    return _after_action(request)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    do_delete(Share.objects.filter(pk=_owned(request, pk).pk))
    return _after_action(request)


@login_required
@require_POST
def recycle(request: HttpRequest, pk: int) -> HttpResponse:
    share = _owned(request, pk)
    form = RecycleForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Bad options.", status=400, content_type="text/plain; charset=utf-8")
    do_recycle(share, **form.changes())
    return _after_action(request)


def _after_action(request: HttpRequest) -> HttpResponse:
    filters = LinkFilterForm(request.POST)
    if not filters.is_valid():
        filters = LinkFilterForm({})
        filters.is_valid()
    if request.htmx:  # type: ignore[attr-defined]
        return _render_list(request, filters)
    return redirect("sharing:panel")


def _render_list(request: HttpRequest, filters: LinkFilterForm) -> HttpResponse:
    return render(request, "sharing/panel.html#link-list", _panel_context(request, filters))


def _panel_context(request: HttpRequest, filters: LinkFilterForm) -> dict[str, Any]:
    now = timezone.now()
    shares = _filtered(Share.objects.owned_by(request.user), filters.cleaned_data, now)
    shares = shares.prefetch_related("moves")
    rows = [
        {"share": share, "state": share.state_at(now), "url": share_url(request, share)}
        for share in shares
    ]
    return {"filters": filters, "rows": rows, "list_target": LIST_TARGET}


def _filtered(shares: QuerySet[Share], filters: dict[str, str], now: Any) -> QuerySet[Share]:
    if filters.get("state"):
        shares = shares.in_state(filters["state"], now)  # type: ignore[attr-defined]
    if filters.get("kind"):
        shares = shares.filter(kind=filters["kind"])
    return shares
