"""The gate of live sessions' pages and guest tiles.

`get_session(name)`: the live session, or Http404 when there is none or it has ended.
`guest_ticket(request, session)`: the ticket this browser holds for the session (kept in its
Django session by the join page), or None.
`aget_guest_slide(request, name, slide)`: for a guest's tile, the session when all holds:
- 404 (Http404): no such live session, or the slide is not one the session has shown;
- 403 (PermissionDenied): this browser holds no valid ticket for the session (no password
  given yet, or the password changed since).
The slide is then read on behalf of the session's owner (OwnerPrincipal), as a share link's
slides are read on behalf of the link's owner.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from studio.collaboration import state, tickets
from studio.models import LiveSession

SESSION_KEY = "live_tickets"


def get_session(name: str) -> LiveSession:
    session = LiveSession.objects.live().select_related("owner").filter(name=name).first()
    if session is None:
        raise Http404("No such live session.")
    return session


def keep_ticket(request: HttpRequest, session: LiveSession, ticket: str) -> None:
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), session.name: ticket}


def guest_ticket(request: HttpRequest, session: LiveSession) -> str | None:
    ticket = request.session.get(SESSION_KEY, {}).get(session.name)
    if ticket and tickets.check(session, ticket) is not None:
        return str(ticket)
    return None


async def aget_guest_slide(request: HttpRequest, name: str, slide: str) -> LiveSession:
    session = await sync_to_async(get_session)(name)
    if await sync_to_async(guest_ticket)(request, session) is None:
        raise PermissionDenied("Join the session first.")
    if slide not in await state.shown(name):
        raise Http404("Not shown in this session.")
    return session
