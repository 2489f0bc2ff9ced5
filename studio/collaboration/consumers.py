"""The socket end of a live session: /ws/collaboration/<session-name>/.

Thin on purpose: messages.py validates, state.py remembers, actions.py changes sessions.
Flags (paused, who drives, everyone in control) are read from the database on connect and
then kept current by the `control` broadcasts every connection receives, so a message from
the driver needs no query.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from studio.collaboration import actions, messages, state, tickets
from studio.models import LiveSession

# Pointer and viewport moves come at animation rate: at most one every this many seconds
# leaves a client, the latest one (coalesced, never dropped at random).
MOVE_INTERVAL = 0.04
MOVE_BURST = 3
# Everything else (chat, data, highlights, control): a token bucket per connection.
BURST = 20
REFILL_PER_SECOND = 5.0
# Close codes: the session does not exist or has ended / the caller is not admitted.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_ENDED = 4000


class Coalescer:
    """Sends the latest of a stream of moves, on average at most once per `interval`
    seconds. Up to `burst` moves that come early pass at once (a client's moves reach us
    unevenly spaced, and holding back one that is only a little early would add up to
    `interval` to its latency); beyond that only the latest waits for its turn."""

    def __init__(
        self,
        interval: float,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        burst: int = MOVE_BURST,
    ):
        self.interval = interval
        self.send = send
        self.burst = burst
        # The time at which every early move has been paid back: a move may pass while
        # it is less than `burst - 1` intervals ahead of now.
        self.due = 0.0
        self.pending: dict[str, Any] | None = None
        self.task: asyncio.Task[None] | None = None

    def _wait(self) -> float:
        return self.due - (self.burst - 1) * self.interval - time.monotonic()

    def _paid(self) -> None:
        self.due = max(self.due, time.monotonic()) + self.interval

    async def push(self, message: dict[str, Any]) -> None:
        wait = self._wait()
        if wait <= 0 and self.task is None:
            self._paid()
            await self.send(message)
            return
        self.pending = message
        if self.task is None:
            self.task = asyncio.create_task(self._later(max(wait, 0)))

    async def _later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        message, self.pending, self.task = self.pending, None, None
        if message is not None:
            self._paid()
            await self.send(message)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()


class Bucket:
    def __init__(self, burst: int, refill_per_second: float) -> None:
        self.burst, self.refill = burst, refill_per_second
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.refill)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@database_sync_to_async
def _load_session(name: str) -> LiveSession | None:
    return LiveSession.objects.select_related("owner").filter(name=name).first()


@database_sync_to_async
def _control(session: LiveSession, action: str, details: dict[str, Any]) -> LiveSession:
    return actions.do_control(session, action, **details)


def _person(scope: dict[str, Any], session: LiveSession) -> dict[str, Any] | None:
    """Who is connecting: a logged-in user, or a guest with a ticket for this session
    (in the query string, or kept in the Django session by the join page)."""
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        is_owner = user.pk == session.owner_id
        nickname = (session.owner_nickname if is_owner else "") or user.get_username()
        return {"id": f"user:{user.pk}", "nickname": nickname, "owner": is_owner, "guest": False}
    query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    ticket = (query.get("ticket") or [""])[0]
    if not ticket and scope.get("session") is not None:
        ticket = scope["session"].get("live_tickets", {}).get(session.name, "")
    guest = tickets.check(session, ticket) if ticket else None
    if guest is None:
        return None
    return {"id": guest.id, "nickname": guest.nickname, "owner": False, "guest": True}


class LiveSessionConsumer(AsyncWebsocketConsumer):
    session: LiveSession
    person: dict[str, Any]
    group: str = ""

    async def connect(self) -> None:
        name = self.scope["url_route"]["kwargs"]["name"]
        session = await _load_session(name)
        if session is None or not session.is_live:
            await self.close(CLOSE_NOT_FOUND)
            return
        person = await database_sync_to_async(_person)(self.scope, session)
        if person is None:
            await self.close(CLOSE_FORBIDDEN)
            return
        self.session, self.person, self.group = session, person, state.group_name(name)
        self.bucket = Bucket(BURST, REFILL_PER_SECOND)
        self.viewport_to_keep: dict[str, Any] | None = None
        self.keeping: asyncio.Task[None] | None = None
        self.shown: set[str] = set()  # slides this connection has marked as shown
        self.moves = {
            kind: Coalescer(MOVE_INTERVAL, getattr(self, f"_relay_{kind}"))
            for kind in ("viewport", "pointer")
        }
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await state.join(name, self.channel_name, person)
        await self.send_json(
            {
                "type": "state",
                "session": {"name": name, **actions.flags(session)},
                "you": person,
                **(await state.snapshot(name)),
            }
        )
        await self._announce_participants()

    async def disconnect(self, code: int) -> None:
        if not self.group:
            return
        for coalescer in self.moves.values():
            coalescer.cancel()
        try:
            if self.keeping is not None:
                await self.keeping  # the last move is kept for whoever joins later
        finally:
            # Whatever became of that write, this participant leaves.
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await state.leave(self.session.name, self.channel_name)
            await self._announce_participants()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = messages.parse(text_data)
        except messages.BadMessage as error:
            await self.error(str(error))
            return
        kind = message["type"]
        if kind in self.moves:
            await self.moves[kind].push(message)
            return
        if not self.bucket.take():
            await self.error("Too many messages: slow down.")
            return
        await getattr(self, f"on_{kind}")(message)

    # What clients send, one handler each.

    async def _relay_viewport(self, message: dict[str, Any]) -> None:
        if not self.session.may_drive(self.person["id"]):
            await self.error("You are not in control: your viewport moves only your viewer.")
            return
        # Guests see only what the session shows (their tiles come through that gate), so a
        # guest in control may move among those slides but not bring in another.
        slides = messages.slides_of(message)
        if self.person["guest"]:
            if not slides <= await state.shown(self.session.name):
                await self.error("Guests can only show slides already shown in the session.")
                return
        elif not slides <= self.shown:
            # Before the relay: a guest follower asks for the slide as soon as it hears.
            await state.add_shown(self.session.name, slides)
            self.shown |= slides
        await self._relay(message, echo=False)
        self._keep_viewport(message)

    async def _relay_pointer(self, message: dict[str, Any]) -> None:
        await self._relay(message, echo=False)

    async def on_chat(self, message: dict[str, Any]) -> None:
        message = {**message, "sender": self._sender(), "time": timezone.now().isoformat()}
        await state.add_chat(self.session.name, message)
        await self._relay(message, echo=True, stamp=False)

    async def on_data(self, message: dict[str, Any]) -> None:
        merged = await state.merge_data(self.session.name, message["data"])
        if merged is None:
            await self.error(f"Shared data holds at most {state.MAX_DATA_KEYS} keys.")
            return
        await self._relay(message, echo=True)

    async def on_annotation(self, message: dict[str, Any]) -> None:
        if not self.session.may_drive(self.person["id"]):
            await self.error("You are not in control: only the driver draws highlights.")
            return
        if message["action"] == "clear":
            await state.clear_annotations(self.session.name)
        else:
            await state.add_annotation(self.session.name, {**message, "sender": self._sender()})
        await self._relay(message, echo=False)

    async def on_control(self, message: dict[str, Any]) -> None:
        if not self.person["owner"]:
            await self.error("Only the session's owner controls the session.")
            return
        if message["action"] == "hand":
            present = {p["id"] for p in await state.participants(self.session.name)}
            if message["participant"] not in present:
                await self.error("That participant is not in the session.")
                return
        details = {k: v for k, v in message.items() if k not in ("type", "action")}
        await _control(self.session, message["action"], details)

    # What the group sends, one handler per event type.

    async def live_relay(self, event: dict[str, Any]) -> None:
        if event["echo"] or event["from"] != self.channel_name:
            await self.send(text_data=event["text"])

    async def live_flags(self, event: dict[str, Any]) -> None:
        message = event["message"]
        self.session.paused = message["paused"]
        self.session.everyone_in_control = message["everyone_in_control"]
        self.session.driver = message["driver"]
        await self.send_json(message)

    async def live_participants(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    async def live_ended(self, event: dict[str, Any]) -> None:
        await self.send_json(event["message"])
        await self.close(CLOSE_ENDED)

    # Helpers.

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections on the thread
        # that runs sync code: a thread hand-off per event, so once per follower for every
        # move relayed. Here the ORM is reached only through database_sync_to_async, which
        # closes them itself around each call, so that hand-off is left out.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def _keep_viewport(self, message: dict[str, Any]) -> None:
        """The copy for late joiners is written after the relay and off this connection's
        path: one write at a time, of the latest move (with Redis, a round trip each)."""
        self.viewport_to_keep = message
        if self.keeping is None:
            self.keeping = asyncio.create_task(self._write_viewports())

    async def _write_viewports(self) -> None:
        try:
            while self.viewport_to_keep is not None:
                message, self.viewport_to_keep = self.viewport_to_keep, None
                await state.set_viewport(self.session.name, message)
        finally:
            self.keeping = None

    def _sender(self) -> dict[str, Any]:
        return {k: self.person[k] for k in ("id", "nickname", "owner")}

    async def _relay(self, message: dict[str, Any], *, echo: bool, stamp: bool = True) -> None:
        if stamp:
            message = {**message, "sender": self._sender()}
        # Encoded once here, not once per receiving connection.
        text = json.dumps(message)
        await self.channel_layer.group_send(
            self.group,
            {"type": "live.relay", "text": text, "echo": echo, "from": self.channel_name},
        )

    async def _announce_participants(self) -> None:
        text = json.dumps(
            {
                "type": "participants",
                "participants": await state.participants(self.session.name),
                "driver": self.session.current_driver,
            }
        )
        await self.channel_layer.group_send(self.group, {"type": "live.participants", "text": text})

    async def error(self, text: str) -> None:
        await self.send_json({"type": "error", "message": text})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))
