"""The live-session socket, /ws/collaboration/<name>/, over real WebSocket scopes."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.contrib.auth.models import AbstractUser

from studio.collaboration import actions, tickets
from studio.collaboration import state as live_state
from studio.models import LiveSession
from tests.studio.collaboration import QUIET, joined, receive, receive_type, send, socket

pytestmark = pytest.mark.django_db(transaction=True)

VIEW = {"type": "viewport", "slide": "Demo/a.svs", "center": [0.5, 0.4], "zoom": 2.0}


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def live(owner: AbstractUser) -> LiveSession:
    return actions.create_session(owner, name="tumour-board", password="let-me-in", nickname="Dr O")


async def refresh(session: LiveSession) -> LiveSession:
    await sync_to_async(session.refresh_from_db)()
    return session


async def test_the_owner_gets_the_state_first(owner: AbstractUser, live: LiveSession) -> None:
    ws, state = await joined(live.name, owner)
    assert state["you"] == {
        "id": f"user:{owner.pk}",
        "nickname": "Dr O",
        "owner": True,
        "guest": False,
    }
    assert state["session"]["driver"] == f"user:{owner.pk}"
    assert state["session"]["paused"] is False
    assert state["viewport"] is None and state["chat"] == [] and state["data"] == {}
    assert [p["nickname"] for p in state["participants"]] == ["Dr O"]
    await ws.disconnect()


async def test_it_refuses_a_visitor_without_login_or_ticket(live: LiveSession) -> None:
    ws = await socket(live.name)
    connected, code = await ws.connect(timeout=3)
    assert not connected and code == 4403
    await ws.disconnect()


async def test_it_refuses_an_unknown_session(owner: AbstractUser) -> None:
    ws = await socket("no-such-session", owner)
    connected, code = await ws.connect(timeout=3)
    assert not connected and code == 4404
    await ws.disconnect()


async def test_it_refuses_an_ended_session(owner: AbstractUser, live: LiveSession) -> None:
    await sync_to_async(actions.do_end)(live)
    ws = await socket(live.name, owner)
    connected, code = await ws.connect(timeout=3)
    assert not connected and code == 4404
    await ws.disconnect()


async def test_it_refuses_a_foreign_origin(owner: AbstractUser, live: LiveSession) -> None:
    ws = await socket(live.name, owner, origin=b"http://evil.example")
    connected, _ = await ws.connect(timeout=3)
    assert not connected
    await ws.disconnect()


async def test_a_guest_with_a_ticket_joins_under_their_nickname(live: LiveSession) -> None:
    ticket = await sync_to_async(tickets.issue)(live, "Resident R")
    ws, state = await joined(live.name, ticket=ticket)
    assert state["you"]["nickname"] == "Resident R" and state["you"]["guest"] is True
    assert state["you"]["id"].startswith("guest:")
    await ws.disconnect()


async def test_it_refuses_a_ticket_for_another_session(
    owner: AbstractUser, live: LiveSession
) -> None:
    other = await sync_to_async(actions.create_session)(owner, name="other", password="x")
    ticket = await sync_to_async(tickets.issue)(other, "Resident R")
    ws = await socket(live.name, ticket=ticket)
    connected, code = await ws.connect(timeout=3)
    assert not connected and code == 4403
    await ws.disconnect()


async def test_a_new_password_turns_away_old_tickets(live: LiveSession) -> None:
    ticket = await sync_to_async(tickets.issue)(live, "Resident R")
    live.set_password("a-new-one")
    await sync_to_async(live.save)()
    ws = await socket(live.name, ticket=ticket)
    connected, _ = await ws.connect(timeout=3)
    assert not connected
    await ws.disconnect()


async def test_the_drivers_viewport_moves_followers_but_is_not_echoed(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    driver, _ = await joined(live.name, owner)
    follower, _ = await joined(live.name, colleague)
    await send(driver, {**VIEW, "rotation": 90, "flip": True})
    moved = await receive_type(follower, "viewport")
    assert moved["center"] == [0.5, 0.4] and moved["zoom"] == 2.0
    assert moved["rotation"] == 90 and moved["flip"] is True
    assert moved["sender"]["id"] == f"user:{owner.pk}"
    await receive_type(driver, "participants")  # the colleague joining
    assert await driver.receive_nothing(QUIET)
    await driver.disconnect()
    await follower.disconnect()


async def test_a_viewport_carries_the_grid_and_its_slides(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    driver, _ = await joined(live.name, owner)
    follower, _ = await joined(live.name, colleague)
    grid = {"rows": 1, "columns": 2, "cells": ["Demo/a.svs", "Demo/b.svs"]}
    await send(driver, {**VIEW, "grid": grid})
    assert (await receive_type(follower, "viewport"))["grid"] == grid
    await driver.disconnect()
    await follower.disconnect()


async def test_a_viewport_says_which_cell_it_is_of_and_whether_the_grid_is_synchronized(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    driver, _ = await joined(live.name, owner)
    follower, _ = await joined(live.name, colleague)
    grid = {"rows": 2, "columns": 2, "cells": [None, "Demo/a.svs"], "selected": 1, "sync": True}
    await send(driver, {**VIEW, "grid": grid})
    assert (await receive_type(follower, "viewport"))["grid"] == grid
    await driver.disconnect()
    await follower.disconnect()


async def test_a_participant_without_control_cannot_move_others(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    driver, _ = await joined(live.name, owner)
    follower, _ = await joined(live.name, colleague)
    await send(follower, VIEW)
    error = await receive_type(follower, "error")
    assert "not in control" in error["message"]
    await receive_type(driver, "participants")
    assert await driver.receive_nothing(QUIET)
    await driver.disconnect()
    await follower.disconnect()


async def test_with_everyone_in_control_anyone_moves_everyone(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(owner_ws, {"type": "control", "action": "everyone", "value": True})
    assert (await receive_type(other, "control"))["everyone_in_control"] is True
    await send(other, VIEW)
    assert (await receive_type(owner_ws, "viewport"))["sender"]["id"] == f"user:{colleague.pk}"
    assert (await refresh(live)).everyone_in_control is True
    await owner_ws.disconnect()
    await other.disconnect()


async def test_the_owner_hands_control_and_takes_it_back(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(
        owner_ws, {"type": "control", "action": "hand", "participant": f"user:{colleague.pk}"}
    )
    assert (await receive_type(other, "control"))["driver"] == f"user:{colleague.pk}"
    await send(other, VIEW)
    await receive_type(owner_ws, "viewport")
    await send(owner_ws, {"type": "control", "action": "take"})
    assert (await receive_type(other, "control"))["driver"] == f"user:{owner.pk}"
    await asyncio.sleep(0.05)  # past the move interval
    await send(other, VIEW)
    assert "not in control" in (await receive_type(other, "error"))["message"]
    await owner_ws.disconnect()
    await other.disconnect()


async def test_control_cannot_go_to_someone_absent(owner: AbstractUser, live: LiveSession) -> None:
    ws, _ = await joined(live.name, owner)
    await send(ws, {"type": "control", "action": "hand", "participant": "user:99999"})
    assert "not in the session" in (await receive_type(ws, "error"))["message"]
    await ws.disconnect()


async def test_only_the_owner_controls_the_session(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    for action in ({"action": "pause"}, {"action": "end"}, {"action": "everyone", "value": True}):
        await send(other, {"type": "control", **action})
        assert "Only the session's owner" in (await receive_type(other, "error"))["message"]
    live = await refresh(live)
    assert not live.paused and live.is_live and not live.everyone_in_control
    await owner_ws.disconnect()
    await other.disconnect()


async def test_while_paused_nobody_moves_others(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(owner_ws, {"type": "control", "action": "pause"})
    assert (await receive_type(other, "control"))["paused"] is True
    await receive_type(owner_ws, "control")
    await send(owner_ws, VIEW)
    assert "not in control" in (await receive_type(owner_ws, "error"))["message"]
    await send(owner_ws, {"type": "control", "action": "resume"})
    assert (await receive_type(other, "control"))["paused"] is False
    await asyncio.sleep(0.05)
    await send(owner_ws, VIEW)
    await receive_type(other, "viewport")
    await owner_ws.disconnect()
    await other.disconnect()


async def test_ending_lets_everyone_go_and_forgets_the_session(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(owner_ws, {"type": "chat", "text": "bye"})
    await send(owner_ws, {"type": "control", "action": "end"})
    assert (await receive_type(other, "control"))["ended"] is True
    assert (await other.receive_output(2))["type"] == "websocket.close"
    assert not (await refresh(live)).is_live
    await owner_ws.disconnect()
    await other.disconnect()


async def test_chat_reaches_everyone_with_sender_and_time(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(other, {"type": "chat", "text": "  <b>mitosis</b> here?  "})
    for ws in (owner_ws, other):
        chat = await receive_type(ws, "chat")
        assert chat["text"] == "<b>mitosis</b> here?"
        assert chat["sender"]["nickname"] == colleague.get_username()
        assert chat["time"]
    await owner_ws.disconnect()
    await other.disconnect()


async def test_a_late_joiner_gets_viewport_chat_data_and_highlights(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    await send(owner_ws, VIEW)
    await send(owner_ws, {"type": "chat", "text": "look left"})
    await send(owner_ws, {"type": "data", "data": {"score": 3}})
    shape = {"kind": "circle", "center": [0.2, 0.2], "radius": 0.01}
    await send(owner_ws, {"type": "annotation", "slide": "Demo/a.svs", "shape": shape})
    await receive_type(owner_ws, "data")
    await asyncio.sleep(0.05)
    late, state = await joined(live.name, colleague)
    assert state["viewport"]["center"] == [0.5, 0.4]
    assert [c["text"] for c in state["chat"]] == ["look left"]
    assert state["data"] == {"score": 3}
    assert state["annotations"][0]["shape"] == shape
    assert {p["id"] for p in state["participants"]} == {f"user:{owner.pk}", f"user:{colleague.pk}"}
    await owner_ws.disconnect()
    await late.disconnect()


async def test_shared_data_is_merged_and_sent_to_everyone(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    await send(other, {"type": "data", "data": {"a": 1, "b": {"c": [1, 2]}}})
    got = await receive_type(owner_ws, "data")
    assert (
        got["data"] == {"a": 1, "b": {"c": [1, 2]}}
        and got["sender"]["id"] == f"user:{colleague.pk}"
    )
    await send(owner_ws, {"type": "data", "data": {"a": None}})
    await receive_type(other, "data")
    third, state = await joined(live.name, owner)
    assert state["data"] == {"b": {"c": [1, 2]}}
    for ws in (owner_ws, other, third):
        await ws.disconnect()


async def test_highlights_come_only_from_the_driver_and_clear(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    mark = {"type": "annotation", "slide": "Demo/a.svs", "shape": {"kind": "point", "at": [1, 2]}}
    await send(other, mark)
    assert "only the driver" in (await receive_type(other, "error"))["message"]
    await send(owner_ws, mark)
    assert (await receive_type(other, "annotation"))["shape"] == mark["shape"]
    await send(owner_ws, {"type": "annotation", "action": "clear"})
    assert (await receive_type(other, "annotation"))["action"] == "clear"
    third, state = await joined(live.name, colleague)
    assert state["annotations"] == []
    for ws in (owner_ws, other, third):
        await ws.disconnect()


async def test_a_freehand_highlight_reaches_everyone_and_goes_with_the_session(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    points = [[0.1, 0.2], [0.15, 0.25], [0.2, 0.22], [0.1, 0.2]]
    stroke = freehand(points) | {"slide": "Demo/a.svs"}
    await send(other, stroke)
    assert "only the driver" in (await receive_type(other, "error"))["message"]
    # Extra keys are not passed on: only the points, checked.
    await send(owner_ws, stroke | {"shape": {**stroke["shape"], "colour": "<b>red</b>"}})
    mark = await receive_type(other, "annotation")
    assert mark["shape"] == {"kind": "freehand", "points": points}
    assert mark["slide"] == "Demo/a.svs"
    late, state = await joined(live.name, colleague)
    assert [m["shape"] for m in state["annotations"]] == [{"kind": "freehand", "points": points}]
    await send(owner_ws, {"type": "control", "action": "end"})
    assert (await receive_type(other, "control"))["ended"] is True
    for ws in (owner_ws, other, late):
        await ws.disconnect()
    assert (await live_state.snapshot(live.name))["annotations"] == []


async def test_pointers_reach_others_with_nicknames_and_the_last_position_wins(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    for step in range(30):
        await send(other, {"type": "pointer", "slide": "Demo/a.svs", "at": [step, step]})
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["at"] != [29, 29]:
        message = await receive_type(owner_ws, "pointer")
        seen.append(message)
    assert len(seen) < 30, "pointer moves are coalesced"
    assert seen[-1]["sender"] == {
        "id": f"user:{colleague.pk}",
        "nickname": colleague.get_username(),
        "owner": False,
    }
    assert await other.receive_nothing(QUIET)
    await owner_ws.disconnect()
    await other.disconnect()


async def test_a_few_early_moves_pass_at_once_and_a_flood_is_coalesced(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    # Three moves back to back (moves reach the studio unevenly spaced): none is held back.
    for step in range(3):
        await send(other, {"type": "pointer", "slide": "Demo/a.svs", "at": [step, step]})
    burst = [(await receive_type(owner_ws, "pointer"))["at"] for _ in range(3)]
    assert burst == [[0, 0], [1, 1], [2, 2]]
    for step in range(3, 20):
        await send(other, {"type": "pointer", "slide": "Demo/a.svs", "at": [step, step]})
    seen = []
    while not seen or seen[-1] != [19, 19]:
        seen.append((await receive_type(owner_ws, "pointer"))["at"])
    assert len(seen) < 10, "beyond the burst only the latest move waits for its turn"
    for ws in (owner_ws, other):
        await ws.disconnect()


async def test_participants_are_announced_as_they_come_and_go(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    other, _ = await joined(live.name, colleague)
    came = await receive_type(owner_ws, "participants")
    assert len(came["participants"]) == 2 and came["driver"] == f"user:{owner.pk}"
    await other.disconnect()
    gone = await receive_type(owner_ws, "participants")
    assert [p["id"] for p in gone["participants"]] == [f"user:{owner.pk}"]
    await owner_ws.disconnect()


def freehand(points: object) -> dict[str, Any]:
    return {"type": "annotation", "slide": "a", "shape": {"kind": "freehand", "points": points}}


BAD = [
    ("not json", "Not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"type": "shout"}', "Unknown message type"),
    ('{"text": "no type"}', "Unknown message type"),
    ('{"type": "chat", "text": ""}', "non-empty"),
    ('{"type": "chat", "text": 5}', "non-empty"),
    (json.dumps({"type": "chat", "text": "x" * 1001}), "too long"),
    (json.dumps({"type": "chat", "text": "x" * 40000}), "too large"),
    ('{"type": "viewport", "slide": "a", "center": [NaN, 1], "zoom": 1}', "not a number"),
    ('{"type": "viewport", "slide": "a", "center": [1e308, 1], "zoom": 1}', "out of range"),
    ('{"type": "viewport", "slide": "a", "center": [1, 1], "zoom": -1}', "out of range"),
    ('{"type": "viewport", "slide": "a", "center": [1, 1], "zoom": true}', "number"),
    ('{"type": "viewport", "slide": "", "center": [1, 1], "zoom": 1}', "slide"),
    ('{"type": "viewport", "slide": "a", "center": [1], "zoom": 1}', "[x, y]"),
    ('{"type": "viewport", "slide": "a", "center": [1, 1], "zoom": 1, "rotation": 720}', "range"),
    (json.dumps({**VIEW, "grid": {"rows": 9, "columns": 9}}), "grid"),
    (json.dumps({**VIEW, "grid": {"rows": 1, "columns": 2, "selected": 2}}), "grid selected"),
    (json.dumps({**VIEW, "grid": {"rows": 1, "columns": 2, "selected": 0.5}}), "grid selected"),
    (json.dumps({**VIEW, "grid": {"rows": 1, "columns": 2, "sync": "on"}}), "grid sync"),
    ('{"type": "pointer", "slide": "a", "at": "here"}', "[x, y]"),
    ('{"type": "data", "data": [1]}', "JSON object"),
    (json.dumps({"type": "data", "data": {"k": "v" * 20000}}), "too large"),
    ('{"type": "annotation", "action": "wipe"}', "add or clear"),
    (json.dumps(freehand([[0.1, 0.1]])), "2 to 500"),
    (json.dumps(freehand([[0.1, 0.1]] * 501)), "2 to 500"),
    (json.dumps(freehand("0.1 0.1 0.2 0.2")), "2 to 500"),
    (json.dumps(freehand([[0.1, 0.1], [0.2]])), "[x, y]"),
    (json.dumps(freehand([[0.1, 0.1], [0.2, "0.2"]])), "must be a number"),
    (json.dumps(freehand([[0.1, 0.1], [0.2, 1e7]])), "out of range"),
    (
        '{"type": "annotation", "slide": "a", "shape": {"kind": "freehand", "points": '
        "[[0.1, 0.1], [Infinity, 0.2]]}}",
        "not a number",
    ),
    ('{"type": "control", "action": "explode"}', "control action"),
    ('{"type": "control", "action": "everyone", "value": "yes"}', "true or false"),
]


@pytest.mark.parametrize(("frame", "complaint"), BAD)
async def test_bad_input_gets_an_error_and_the_socket_stays_open(
    owner: AbstractUser, live: LiveSession, frame: str, complaint: str
) -> None:
    ws, _ = await joined(live.name, owner)
    await ws.send_to(text_data=frame)
    error = await receive(ws)
    assert error["type"] == "error" and complaint in error["message"]
    await send(ws, {"type": "chat", "text": "still here"})
    assert (await receive_type(ws, "chat"))["text"] == "still here"
    await ws.disconnect()


async def test_binary_frames_get_an_error(owner: AbstractUser, live: LiveSession) -> None:
    ws, _ = await joined(live.name, owner)
    await ws.send_to(bytes_data=b"\x00\x01")
    assert (await receive(ws))["type"] == "error"
    await ws.disconnect()


async def test_a_flood_of_messages_is_slowed_down(owner: AbstractUser, live: LiveSession) -> None:
    ws, _ = await joined(live.name, owner)
    for number in range(40):
        await send(ws, {"type": "chat", "text": f"spam {number}"})
    kinds = []
    for _ in range(40):
        kinds.append((await receive(ws))["type"])
    assert kinds.count("chat") <= 25 and "error" in kinds
    await ws.disconnect()


async def test_a_guest_in_control_cannot_bring_in_another_slide(
    owner: AbstractUser, live: LiveSession
) -> None:
    owner_ws, _ = await joined(live.name, owner)
    await send(owner_ws, {"type": "control", "action": "everyone", "value": True})
    await send(owner_ws, VIEW)
    # One client's messages are handled in order: once this chat is back, VIEW was taken.
    await send(owner_ws, {"type": "chat", "text": "shown"})
    await receive_type(owner_ws, "chat")
    ticket = await sync_to_async(tickets.issue)(live, "Resident R")
    guest, _ = await joined(live.name, ticket=ticket)
    await send(guest, {**VIEW, "slide": "Private/other.svs"})
    assert "already shown" in (await receive_type(guest, "error"))["message"]
    await asyncio.sleep(0.05)
    await send(guest, {**VIEW, "center": [0.1, 0.1]})
    assert (await receive_type(owner_ws, "viewport"))["center"] == [0.1, 0.1]
    await owner_ws.disconnect()
    await guest.disconnect()


async def test_a_participant_whose_last_move_cannot_be_kept_still_leaves(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession, monkeypatch: Any
) -> None:
    driver, _ = await joined(live.name, owner)
    follower, _ = await joined(live.name, colleague)

    async def cache_down(name: str, message: dict[str, Any]) -> None:
        await asyncio.sleep(0.3)  # still writing when the driver goes
        raise ConnectionError("the shared cache is gone")

    monkeypatch.setattr(live_state, "set_viewport", cache_down)
    await send(driver, VIEW)
    await receive_type(follower, "viewport")
    with contextlib.suppress(ConnectionError):
        await driver.disconnect()
    left = await receive_type(follower, "participants")
    assert [p["nickname"] for p in left["participants"]] == [colleague.username]
    await follower.disconnect()
