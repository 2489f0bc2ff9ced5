"""Share pages for recipients (no account needed) and the owner's QR code routes."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from pmacore.errors import TileServerError
from sharing.access import (
    PasswordRequired,
    ShareGone,
    check_real_location,
    get_owned_share,
    get_share,
    unlock,
)
from sharing.actions import do_note_fingerprint
from sharing.decorators import embeddable
from sharing.folder_listing import leads_outside, visible_contents
from sharing.forms import PasswordForm, QrForm, ShareFolderForm, ShareQueryForm
from sharing.lib.qr import qr_png, qr_svg
from sharing.models import Share, ShareAccess
from sharing.relocation import SlideMissing, located
from studio.error_pages import tile_server_error_page
from studio.forms import SlideForm
from studio.lib import throttle
from studio.lib.paths import basename, breadcrumbs
from studio.lib.throttle import client_address
from studio.tileclient.principals import OwnerPrincipal
from studio.viewer_data import THUMBNAIL_HEIGHT, THUMBNAIL_WIDTH, viewer_data

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
        share=gone.share, ip=client_address(request), outcome=GONE_OUTCOMES[gone.state]
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
    if not request.GET.get("folder"):
        # Moving between a folder link's subfolders is the same visit.
        share.record_visit(client_address(request))
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
    ip = client_address(request)
    subject = f"{share.pk}:{ip}"
    wait = throttle.attempt(throttle.SHARE_UNLOCK, subject)
    if wait:
        ShareAccess.objects.create(share=share, ip=ip, outcome=ShareAccess.Outcome.THROTTLED)
        message = f"Too many attempts, try again in {throttle.minutes(wait)}."
        return _password_page(request, PasswordForm(), embed, message, status=429)
    form = PasswordForm(request.POST)
    if not form.is_valid():
        throttle.forgive(throttle.SHARE_UNLOCK, subject)
        return _password_page(request, form, embed, status=400)
    if not share.check_password(form.cleaned_data["password"]):
        ShareAccess.objects.create(share=share, ip=ip, outcome=ShareAccess.Outcome.WRONG_PASSWORD)
        left = throttle.attempts_left(throttle.SHARE_UNLOCK, subject)
        message = f"Wrong password. {_tries_left_text(left)}"
        return _password_page(request, PasswordForm(), embed, message, status=403)
    throttle.reset(throttle.SHARE_UNLOCK, subject)
    unlock(request, share)
    return redirect(_open_url(share.token, embed=embed))


def _tries_left_text(tries: int) -> str:
    wait = throttle.SHARE_UNLOCK.window_seconds // 60
    if tries == 0:
        return f"No tries left: wait {wait} minutes before trying again."
    unit = "try" if tries == 1 else "tries"
    return f"{tries} {unit} left before a {wait}-minute wait."


def _password_page(
    request: HttpRequest, form: PasswordForm, embed: bool, message: str = "", *, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "message": message,
        "embed": embed,
        "max_tries": throttle.SHARE_UNLOCK.max_attempts,
        "wait_minutes": throttle.SHARE_UNLOCK.window_seconds // 60,
    }
    return render(request, "sharing/password.html", context, status=status)


@require_safe
def share_status(request: HttpRequest, token: str) -> JsonResponse:
    """Whether an open share page may go on: {"state", "message"} with 200 while the link
    works, 410 once it has expired or was suspended, 403 when this browser has not given the
    password (404, as everywhere, for a link that does not exist). Not counted as a visit."""
    try:
        get_share(request, token)
    except ShareGone as gone:
        return JsonResponse({"state": gone.state, "message": gone.title}, status=410)
    except PasswordRequired:
        return JsonResponse({"state": "locked", "message": "Enter the password again."}, status=403)
    return JsonResponse({"state": Share.State.ACTIVE, "message": ""})


# One page per kind of link; each receives a share that passed the gate. Slides are read
# with the owner's tile-server session, as the share's image routes do.


def slide_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    return _viewer_page(request, share, ["0"], rows=1, columns=1, sync=False, embed=embed)


def grid_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    grid = share.grid
    return _viewer_page(
        request,
        share,
        [share.slide_ref(path) for path in share.slide_paths],
        rows=grid["rows"],
        columns=grid["columns"],
        sync=grid["sync"],
        embed=embed,
    )


def folder_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    form = ShareFolderForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Bad query string.")
    folder = share.folder_for(form.cleaned_data["folder"])
    if folder is None:
        raise Http404("No such folder.")
    owner = OwnerPrincipal(share.owner_id)
    try:
        if leads_outside(share, owner, folder):
            raise Http404("No such folder.")
        folders, slides = visible_contents(share, owner, folder)
    except TileServerError as e:
        if e.status == 404:
            raise Http404("The shared folder is gone.") from None
        return tile_server_error_page(request, e, share_page=True)
    context = {
        "share": share,
        "embed": embed,
        "breadcrumbs": _folder_breadcrumbs(share, folder),
        # By reference below the shared folder, never by internal path (Share.slide_ref).
        "folders": [(basename(path), share.folder_ref(path)) for path in folders],
        "slides": [(basename(path), share.slide_ref(path)) for path in slides],
        "thumbnail_size": (THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT),
    }
    return render(request, "sharing/folder.html", context)


KIND_PAGES: dict[str, Callable[[HttpRequest, Share, bool], HttpResponse]] = {
    Share.Kind.SLIDE: slide_page,
    Share.Kind.FOLDER: folder_page,
    Share.Kind.GRID: grid_page,
}


@embeddable
@require_safe
def share_viewer(request: HttpRequest, token: str) -> HttpResponse:
    """One slide of a folder (or slide) link in the viewer; not counted as a visit."""
    query = ShareQueryForm(request.GET)
    form = SlideForm(request.GET)
    if not query.is_valid() or not form.is_valid():
        return HttpResponseBadRequest("Bad query string.")
    embed = query.cleaned_data["embed"]
    slide = form.cleaned_data["slide"]
    try:
        share = get_share(request, token, slide=slide)
    except ShareGone as gone:
        return _gone_page(request, gone)
    except PasswordRequired:
        return redirect(_password_url(token, embed=embed))
    return _viewer_page(request, share, [slide], rows=1, columns=1, sync=False, embed=embed)


def _viewer_page(
    request: HttpRequest,
    share: Share,
    refs: list[str],
    *,
    rows: int,
    columns: int,
    sync: bool,
    embed: bool,
) -> HttpResponse:
    try:
        cells = [_viewer_cell(share, ref) for ref in refs]
    except SlideMissing:
        return _slide_missing_page(request, share, embed)
    except TileServerError as e:
        if e.status == 404:
            raise Http404("A shared slide is gone.") from None
        return tile_server_error_page(request, e, share_page=True)
    cells += [None] * (rows * columns - len(cells))
    data = {
        "rows": rows,
        "columns": columns,
        "sync": sync,
        "cells": cells,
        "statusUrl": reverse("sharing:status", args=[share.token]),
        "expiresAt": share.expires_at.isoformat() if share.expires_at else None,
    }
    back = None
    if share.kind == Share.Kind.FOLDER:
        back = _folder_url(share.token, refs[0].rpartition("/")[0], embed=embed)
    context = {
        "share": share,
        "embed": embed,
        "data": data,
        "cells": cells,
        "slide_count": len(refs),
        "back_url": back,
    }
    response = render(request, "sharing/viewer.html", context)
    # The annotations are drawn by the cockpit's read-only annotation layer, whose PixiJS
    # needs eval (studio/lib/csp.py); a link without them keeps the stricter policy.
    response.csp_allow_eval = share.include_annotations  # type: ignore[attr-defined]
    return response


def _slide_missing_page(request: HttpRequest, share: Share, embed: bool) -> HttpResponse:
    context = {"share": share, "embed": embed}
    return render(request, "sharing/slide_missing.html", context, status=404)


def _viewer_cell(share: Share, ref: str) -> dict[str, object]:
    path = share.slide_for(ref)
    assert path is not None  # the gate checked
    path, info = located(share, path)  # moved or renamed: the link follows it
    if share.kind != Share.Kind.FOLDER:
        do_note_fingerprint(share, path, info.fingerprint)
    check_real_location(share, info)
    data = viewer_data(path, info)
    data["path"] = ref  # never the internal path
    first_tile = reverse("sharing:tile", args=[share.token, info.fingerprint, 0, 0, 0])
    query = urlencode({"slide": ref})
    data["tileUrl"] = first_tile.removesuffix("/0/0_0.jpg") + "/{z}/{x}_{y}.jpg?" + query
    data["name"] = basename(path)
    if share.include_annotations:
        data["annotationsUrl"] = reverse("sharing:annotations", args=[share.token]) + "?" + query
    return data


def _folder_url(token: str, folder: str, *, embed: bool) -> str:
    query = {"folder": folder, **({"embed": "1"} if embed else {})}
    return reverse("sharing:open", args=[token]) + "?" + urlencode(query, safe="/")


def _folder_breadcrumbs(share: Share, folder: str) -> list[tuple[str, str]]:
    """(name, folder reference) from the shared folder down to `folder`; nothing above."""
    depth = share.path.count("/")
    return [(name, share.folder_ref(path)) for name, path in breadcrumbs(folder)[depth:]]


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
