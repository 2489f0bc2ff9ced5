"""Live sessions: start one, its join link and QR code, the join page, guests' tiles."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmacore.errors import TileServerError
from sharing.lib.qr import qr_svg
from studio.collaboration import access, actions, tickets
from studio.collaboration.forms import CreateSessionForm, EnterForm, JoinForm
from studio.forms import SlideForm, form_errors
from studio.lib import throttle
from studio.lib.throttle import client_address
from studio.models import LiveSession
from studio.serving import serve_tile, text_response
from studio.tileclient.calls import aslide_info
from studio.tileclient.principals import OwnerPrincipal
from studio.viewer_data import viewer_data

# Session passwords: per session and client address, as share-link passwords.
JOIN_LIMIT = throttle.Limit("live-join", max_attempts=5, window_seconds=15 * 60)


def _links(request: HttpRequest, session: LiveSession) -> dict[str, str]:
    join = request.build_absolute_uri(reverse("live-join", args=[session.name]))
    return {
        "name": session.name,
        "join_url": join,
        "qr_url": reverse("live-qr", args=[session.name]),
        "socket_path": f"/ws/collaboration/{session.name}/",
    }


@login_required
@require_POST
def create(request: HttpRequest) -> JsonResponse:
    form = CreateSessionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form_errors(form)}, status=400)
    try:
        session = actions.create_session(request.user, **form.cleaned_data)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(_links(request, session), status=201)


@login_required
@require_GET
def qr(request: HttpRequest, name: str) -> HttpResponse:
    session = access.get_session(name)
    if session.owner_id != request.user.pk:
        raise Http404("No such live session.")
    join = request.build_absolute_uri(reverse("live-join", args=[session.name]))
    return HttpResponse(qr_svg(join), content_type="image/svg+xml")


@login_required
@require_POST
def enter(request: HttpRequest, name: str) -> JsonResponse:
    """The cockpit's Join by name: the session's links, once the session's password (if it
    has one) is given; its owner needs none. The cockpit then joins it."""
    session = LiveSession.objects.live().filter(name=name).first()
    if session is None:
        return JsonResponse({"error": f"No live session called “{name}” is running."}, status=404)
    form = EnterForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form_errors(form)}, status=400)
    if session.has_password and session.owner_id != request.user.pk:
        password = form.cleaned_data["password"]
        if not password:
            asked = {"error": "This session has a password.", "password": True}
            return JsonResponse(asked, status=403)
        subject = f"{session.pk}:{client_address(request)}"
        wait = throttle.attempt(JOIN_LIMIT, subject)
        if wait:
            message = f"Too many attempts, try again in {throttle.minutes(wait)}."
            return JsonResponse({"error": message, "password": True}, status=429)
        if not session.check_password(password):
            return JsonResponse({"error": "Wrong password.", "password": True}, status=403)
        throttle.reset(JOIN_LIMIT, subject)
    return JsonResponse(_links(request, session))


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, name: str) -> HttpResponse:
    """Logged-in users go straight into the session in their cockpit; guests give the session
    password (if it has one) and a nickname, get a ticket kept in their browser session and
    follow on the session's page."""
    session = access.get_session(name)
    if request.user.is_authenticated:
        return redirect(reverse("home") + "?" + urlencode({"live": session.name}))
    if request.method == "GET" and access.guest_ticket(request, session):
        return redirect("live-watch", name=session.name)
    if request.method == "GET":
        return _join_page(request, session, JoinForm())
    subject = f"{session.pk}:{client_address(request)}"
    if session.has_password:
        wait = throttle.attempt(JOIN_LIMIT, subject)
        if wait:
            message = f"Too many attempts, try again in {throttle.minutes(wait)}."
            return _join_page(request, session, JoinForm(), message, status=429)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, session, form, status=400)
    if not session.check_password(form.cleaned_data["password"]):
        return _join_page(request, session, form, "Wrong password.", status=403)
    throttle.reset(JOIN_LIMIT, subject)
    access.keep_ticket(request, session, tickets.issue(session, form.cleaned_data["nickname"]))
    return redirect("live-watch", name=session.name)


def _join_page(
    request: HttpRequest,
    session: LiveSession,
    form: JoinForm,
    message: str = "",
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"session": session, "form": form, "message": message}
    return render(request, "studio/live_join.html", context, status=status)


@require_GET
def watch(request: HttpRequest, name: str) -> HttpResponse:
    """The session's page: a viewer that follows the driver (and leads, for whoever is in
    control) and the session panel. The owner may name the slide to start with (`?slide=`).
    Logged-in users read slides as themselves; guests through the session's gate."""
    session = access.get_session(name)
    is_guest = not request.user.is_authenticated
    if is_guest and access.guest_ticket(request, session) is None:
        return redirect("live-join", name=session.name)
    form = SlideForm(request.GET)
    if is_guest:
        slide_url = reverse("live-slide", args=[session.name])
    else:
        slide_url = reverse("panels:slide-info-json")
    context = {
        "session": session,
        "slide_url": slide_url,
        "start_slide": form.cleaned_data["slide"] if not is_guest and form.is_valid() else "",
        "is_guest": is_guest,
    }
    return render(request, "studio/live.html", context)


@require_GET
async def guest_tile(
    request: HttpRequest, name: str, fingerprint: str, z: int, x: int, y: int
) -> HttpResponseBase:
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    slide = form.cleaned_data["slide"]
    try:
        session = await access.aget_guest_slide(request, name, slide)
    except PermissionDenied:
        return text_response(403, "Join the session first.")
    except Http404:
        return text_response(404, "Not found.")
    return await serve_tile(OwnerPrincipal(session.owner_id), request, slide, fingerprint, z, x, y)


@require_GET
async def guest_slide(request: HttpRequest, name: str) -> HttpResponseBase:
    """What the guest's viewer needs to open a slide the session shows (viewer_data, with
    tiles through this session's gate)."""
    form = SlideForm(request.GET)
    if not form.is_valid():
        return text_response(400, form_errors(form))
    slide = form.cleaned_data["slide"]
    try:
        session = await access.aget_guest_slide(request, name, slide)
        info = await aslide_info(OwnerPrincipal(session.owner_id), slide)
    except PermissionDenied:
        return text_response(403, "Join the session first.")
    except (Http404, TileServerError):
        return text_response(404, "Not found.")
    data = viewer_data(slide, info)
    tiles = reverse("live-tile", args=[name, info.fingerprint, 0, 0, 0]).removesuffix("/0/0_0.jpg")
    data["tileUrl"] = tiles + "/{z}/{x}_{y}.jpg?" + urlencode({"slide": slide})
    return JsonResponse(data)
