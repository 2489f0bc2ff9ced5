"""Changes to live sessions, each in one function that the views, the admin and the
consumer call: change the database, then tell everyone connected."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from studio.collaboration import state
from studio.models import LiveSession


def create_session(
    owner: AbstractBaseUser,
    *,
    name: str,
    password: str = "",
    everyone_in_control: bool = False,
    nickname: str = "",
) -> LiveSession:
    """A new live session; raises ValidationError on a bad or taken name."""
    session = LiveSession(
        name=name,
        owner=owner,
        owner_nickname=nickname,
        everyone_in_control=everyone_in_control,
    )
    session.set_password(password)
    session.full_clean()
    session.save()
    return session


def flags(session: LiveSession) -> dict[str, Any]:
    """The `control` message everyone gets after a change (and in `state`)."""
    return {
        "type": "control",
        "paused": session.paused,
        "everyone_in_control": session.everyone_in_control,
        "driver": session.current_driver,
        "ended": not session.is_live,
    }


def do_control(session: LiveSession, action: str, **details: Any) -> LiveSession:
    """Apply an owner's control action (messages.control) and broadcast the new flags."""
    if action == "end":
        return do_end(session)
    if action in ("pause", "resume"):
        session.paused = action == "pause"
    elif action == "everyone":
        session.everyone_in_control = bool(details["value"])
    elif action == "hand":
        session.driver = str(details["participant"])
    elif action == "take":
        session.driver = ""
    session.save(update_fields=["paused", "everyone_in_control", "driver"])
    _broadcast(session, "live.flags", {"message": flags(session)})
    return session


def do_end(session: LiveSession) -> LiveSession:
    """End a session: nobody can join it again, everyone connected is told and let go,
    and its transient state (highlights, chat, shared data) is forgotten."""
    if session.ended_at is None:
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
    state.forget(session.name)
    _broadcast(session, "live.ended", {"message": flags(session)})
    return session


def _broadcast(session: LiveSession, event: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(state.group_name(session.name), {"type": event, **payload})
