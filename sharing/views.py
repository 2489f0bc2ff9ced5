"""Share pages for recipients (no account needed) and the owner's QR code routes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from sharing import catalog, throttle
from sharing.access import (
    PasswordRequired,
    ShareGone,
    client_ip,
    get_owned_share,
    get_share,
    unlock,
)
from sharing.decorators import embeddable
from sharing.forms import PasswordForm, QrForm, ShareQueryForm
from sharing.lib.qr import qr_png, qr_svg
from sharing.models import Share, ShareAccess
from tileserver.errors import TileServerError

GONE_OUTCOMES = {
    Share.State.EXPIRED: ShareAccess.Outcome.EXPIRED,
    Share.State.SUSPENDED: ShareAccess.Outcome.SUSPENDED,
}


def share_url(request: HttpRequest, share: Share) -> str:
    """The absolute URL recipients open: it carries the token and nothing else."""
    return request.build_absolute_uri(share.get_absolute_url())


def _open_url(token: str, *, embed: bool) -> str:
    url = reverse("sharing:open", args=[token])
    return url + "?embed=1" if embed else url


def _password_url(token: str, *, embed: bool) -> str:
    url = reverse("sharing:password", args=[token])
    return url + "?embed=1" if embed else url


def _gone_page(request: HttpRequest, gone: ShareGone) -> HttpResponse:
    ShareAccess.objects.create(
        share=gone.share, ip=client_ip(request), outcome=GONE_OUTCOMES[gone.state]
    )
    return render(request, "sharing/gone.html", {"title": gone.title}, status=410)


@embeddable
@require_safe
def open_share(request: HttpRequest, token: str) -> HttpResponse:
    query = ShareQueryForm(request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest("Bad query string.")
    embed = query.cleaned_data["embed"]
    try:
        share = get_share(request, token)
    except ShareGone as gone:
        return _gone_page(request, gone)
    except PasswordRequired:
        return redirect(_password_url(token, embed=embed))
    share.record_visit(client_ip(request))
    return KIND_PAGES[share.kind](request, share, embed)


@embeddable
@require_http_methods(["GET", "HEAD", "POST"])
def password(request: HttpRequest, token: str) -> HttpResponse:
    # The form posts back to this URL, so `?embed=1` survives the round trip.
    query = ShareQueryForm(request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest("Bad query string.")
    embed = query.cleaned_data["embed"]
    try:
        get_share(request, token)
    except ShareGone as gone:
        return _gone_page(request, gone)
    except PasswordRequired as required:
        if request.method == "POST":
            return _try_password(request, required.share, embed)
        return _password_page(request, PasswordForm(), embed)
    return redirect(_open_url(token, embed=embed))


def _try_password(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    ip = client_ip(request)
    minutes = throttle.minutes_blocked(share.pk, ip)
    if minutes:
        ShareAccess.objects.create(share=share, ip=ip, outcome=ShareAccess.Outcome.THROTTLED)
        unit = "minute" if minutes == 1 else "minutes"
        message = f"Too many attempts, try again in {minutes} {unit}."
        return _password_page(request, PasswordForm(), embed, message, status=429)
    form = PasswordForm(request.POST)
    if not form.is_valid():
        return _password_page(request, form, embed, status=400)
    if not share.check_password(form.cleaned_data["password"]):
        throttle.record_failure(share.pk, ip)
        ShareAccess.objects.create(share=share, ip=ip, outcome=ShareAccess.Outcome.WRONG_PASSWORD)
        return _password_page(request, PasswordForm(), embed, "Wrong password.", status=403)
    throttle.reset(share.pk, ip)
    unlock(request, share)
    return redirect(_open_url(share.token, embed=embed))


def _password_page(
    request: HttpRequest, form: PasswordForm, embed: bool, message: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "message": message, "embed": embed}
    return render(request, "sharing/password.html", context, status=status)


# One page per kind of link. These render a summary until the share viewer, the folder
# mini-browser and the grid page replace them; each receives a share that passed the gate.


def slide_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    return _summary_page(request, share, slide_count=1, embed=embed)


def folder_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    try:
        slides = catalog.folder_slides(share.path)
    except TileServerError as e:
        if e.status == 404:
            raise Http404("The shared folder is gone.") from None
        raise
    return _summary_page(request, share, slide_count=len(slides), embed=embed)


def grid_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    return _summary_page(request, share, slide_count=len(share.slide_paths), embed=embed)


KIND_PAGES: dict[str, Callable[[HttpRequest, Share, bool], HttpResponse]] = {
    Share.Kind.SLIDE: slide_page,
    Share.Kind.FOLDER: folder_page,
    Share.Kind.GRID: grid_page,
}


def _summary_page(
    request: HttpRequest, share: Share, *, slide_count: int, embed: bool
) -> HttpResponse:
    # The label is the owner's own note: recipients never see it.
    context = {"kind": share.get_kind_display(), "slide_count": slide_count, "embed": embed}
    return render(request, "sharing/summary.html", context)


# The owner's QR codes. Strangers get 404; an expired or suspended link gets 410 even for
# its owner, so a dead link is never printed or handed on (recycle or re-activate it first).


@require_safe
def qr_code_png(request: HttpRequest, token: str) -> HttpResponse:
    return _qr_response(request, token, "png")


@require_safe
def qr_code_svg(request: HttpRequest, token: str) -> HttpResponse:
    return _qr_response(request, token, "svg")


def _qr_response(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    form = QrForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Bad query string.")
    try:
        share = get_owned_share(request, token)
    except ShareGone as gone:
        return HttpResponse(gone.title, status=410, content_type="text/plain; charset=utf-8")
    url = share_url(request, share)
    if fmt == "png":
        response = HttpResponse(qr_png(url), content_type="image/png")
    else:
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    if form.cleaned_data["download"]:
        response["Content-Disposition"] = f'attachment; filename="share-qr.{fmt}"'
    return response
