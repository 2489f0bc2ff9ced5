"""Starting a live session, its QR code, the join page, guests' slides and tiles, the admin."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AbstractUser
from django.test import Client

from studio.collaboration import actions, state
from studio.collaboration.access import SESSION_KEY
from studio.models import LiveSession
from tests.base import client_for

pytestmark = pytest.mark.django_db
# The slide and tile routes are async views: their queries run on another thread.
async_views = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(owner: AbstractUser) -> LiveSession:
    return actions.create_session(owner, name="board", password="let-me-in")


def joined_guest(live: LiveSession) -> Client:
    guest = Client()
    response = guest.post(f"/live/{live.name}/", {"nickname": "Res", "password": "let-me-in"})
    assert response.status_code == 302
    return guest


def test_it_starts_a_session_and_gives_its_links(owner_client: Client, owner: AbstractUser) -> None:
    response = owner_client.post(
        "/live/", {"name": "tumour-board", "password": "pw", "everyone_in_control": "on"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["join_url"] == "http://testserver/live/tumour-board/"
    assert body["qr_url"] == "/live/tumour-board/qr.svg"
    assert body["socket_path"] == "/ws/collaboration/tumour-board/"
    session = LiveSession.objects.get(name="tumour-board")
    assert session.owner == owner and session.everyone_in_control
    assert session.password != "pw" and session.check_password("pw")


def test_it_refuses_a_bad_or_taken_name(owner_client: Client, live: LiveSession) -> None:
    assert owner_client.post("/live/", {"name": "no spaces"}).status_code == 400
    assert owner_client.post("/live/", {"name": "board"}).status_code == 400


def test_starting_needs_a_login_and_a_post(owner_client: Client) -> None:
    assert Client().post("/live/", {"name": "x"}).status_code == 302
    assert owner_client.get("/live/").status_code == 405


def test_the_owner_gets_the_qr_code_of_the_join_link(
    owner_client: Client, live: LiveSession
) -> None:
    response = owner_client.get("/live/board/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_others_get_no_qr_code(colleague: AbstractUser, live: LiveSession) -> None:
    assert client_for(colleague).get("/live/board/qr.svg").status_code == 404


def test_a_logged_in_user_joins_in_the_cockpit(colleague: AbstractUser, live: LiveSession) -> None:
    response = client_for(colleague).get("/live/board/")
    assert response.status_code == 302 and response["Location"] == "/?live=board"


def test_the_cockpit_joins_the_session_it_is_opened_with(
    colleague: AbstractUser, live: LiveSession
) -> None:
    page = client_for(colleague).get("/", {"live": "board"})
    assert page.status_code == 200
    assert page.context["cockpit_data"]["live"] == "board"


def test_the_cockpit_refuses_a_malformed_session_name(colleague: AbstractUser) -> None:
    assert client_for(colleague).get("/", {"live": "no spaces/here"}).status_code == 400


def test_a_logged_in_participant_is_offered_their_cockpit(
    colleague: AbstractUser, live: LiveSession
) -> None:
    page = client_for(colleague).get("/live/board/watch/")
    assert b'href="/?live=board"' in page.content


def test_a_guest_is_asked_for_password_and_nickname(live: LiveSession) -> None:
    response = Client().get("/live/board/")
    assert response.status_code == 200
    assert b'name="nickname"' in response.content and b'name="password"' in response.content


def test_a_guest_with_the_wrong_password_is_refused(live: LiveSession) -> None:
    guest = Client()
    response = guest.post("/live/board/", {"nickname": "Res", "password": "guess"})
    assert response.status_code == 403 and b"Wrong password" in response.content
    assert SESSION_KEY not in guest.session
    assert guest.get("/live/board/watch/")["Location"] == "/live/board/"


def test_a_guest_with_the_right_password_gets_a_ticket(live: LiveSession) -> None:
    guest = Client()
    response = guest.post("/live/board/", {"nickname": "Res", "password": "let-me-in"})
    assert response.status_code == 302 and response["Location"] == "/live/board/watch/"
    assert "board" in guest.session[SESSION_KEY]
    page = guest.get("/live/board/watch/")
    assert page.status_code == 200 and b'data-live-session="board"' in page.content
    assert b"?live=" not in page.content  # a guest has no cockpit


def test_password_guessing_is_throttled(live: LiveSession) -> None:
    guest = Client()
    codes = [
        guest.post("/live/board/", {"nickname": "R", "password": f"guess{n}"}).status_code
        for n in range(6)
    ]
    assert codes == [403] * 5 + [429]


def test_a_guest_needs_a_nickname(live: LiveSession) -> None:
    response = Client().post("/live/board/", {"nickname": "", "password": "let-me-in"})
    assert response.status_code == 400


def test_unknown_and_ended_sessions_are_not_found(live: LiveSession) -> None:
    assert Client().get("/live/nothing/").status_code == 404
    actions.do_end(live)
    assert Client().get("/live/board/").status_code == 404


@async_views
def test_a_guest_reaches_the_slides_the_session_shows(live: LiveSession, slide_path: str) -> None:
    guest = joined_guest(live)
    assert guest.get("/live/board/slide/", {"slide": slide_path}).status_code == 404
    async_to_sync(state.add_shown)("board", {slide_path})
    data = guest.get("/live/board/slide/", {"slide": slide_path}).json()
    assert data["path"] == slide_path
    assert data["tileUrl"].startswith(f"/live/board/tiles/{data['fingerprint']}/")
    tile = guest.get(data["tileUrl"].format(z=0, x=0, y=0))
    assert tile.status_code == 200 and tile["Content-Type"] == "image/jpeg"


@async_views
def test_a_guest_reaches_no_other_slide(live: LiveSession, slide_path: str) -> None:
    guest = joined_guest(live)
    async_to_sync(state.add_shown)("board", {"Somewhere/else.svs"})
    assert guest.get("/live/board/slide/", {"slide": slide_path}).status_code == 404
    assert guest.get("/live/board/tiles/abc/0/0_0.jpg", {"slide": slide_path}).status_code == 404


@async_views
def test_without_a_ticket_there_are_no_tiles(live: LiveSession, slide_path: str) -> None:
    async_to_sync(state.add_shown)("board", {slide_path})
    assert Client().get("/live/board/slide/", {"slide": slide_path}).status_code == 403
    assert Client().get("/live/board/tiles/abc/0/0_0.jpg", {"slide": slide_path}).status_code == 403


@async_views
def test_a_new_password_locks_out_admitted_guests(live: LiveSession, slide_path: str) -> None:
    guest = joined_guest(live)
    async_to_sync(state.add_shown)("board", {slide_path})
    live.set_password("changed")
    live.save()
    assert guest.get("/live/board/slide/", {"slide": slide_path}).status_code == 403


def test_the_admin_lists_live_sessions_and_ends_one(admin: AbstractUser, live: LiveSession) -> None:
    staff = client_for(admin)
    listing = staff.get("/admin/studio/livesession/?state=live")
    assert listing.status_code == 200 and b"board" in listing.content
    response = staff.post(
        "/admin/studio/livesession/",
        {"action": "end_sessions", "_selected_action": [live.pk]},
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert not live.is_live


def enter(client: Client, name: str, **data: str) -> tuple[int, dict[str, object]]:
    response = client.post(f"/live/{name}/enter/", data)
    return response.status_code, response.json()


def test_join_by_name_asks_for_the_password_of_a_session_that_has_one(
    colleague: AbstractUser, live: LiveSession
) -> None:
    client = client_for(colleague)
    assert enter(client, "board") == (
        403,
        {"error": "This session has a password.", "password": True},
    )
    assert enter(client, "board", password="guess") == (
        403,
        {"error": "Wrong password.", "password": True},
    )
    status, body = enter(client, "board", password="let-me-in")
    assert status == 200 and body["name"] == "board"
    assert str(body["join_url"]).endswith("/live/board/")


def test_join_by_name_needs_no_password_for_an_open_session_or_its_owner(
    owner: AbstractUser, colleague: AbstractUser, live: LiveSession
) -> None:
    assert enter(client_for(owner), "board")[0] == 200
    actions.create_session(owner, name="open-board")
    assert enter(client_for(colleague), "open-board")[0] == 200


def test_join_by_name_says_when_no_session_has_that_name(
    colleague: AbstractUser, live: LiveSession
) -> None:
    client = client_for(colleague)
    status, body = enter(client, "bored")
    assert status == 404 and body["error"] == "No live session called “bored” is running."
    actions.do_end(live)
    assert enter(client, "board", password="let-me-in")[0] == 404


def test_join_by_name_needs_a_login_and_throttles_guessing(
    colleague: AbstractUser, live: LiveSession
) -> None:
    assert Client().post("/live/board/enter/").status_code == 302
    client = client_for(colleague)
    codes = [enter(client, "board", password=f"guess{n}")[0] for n in range(6)]
    assert codes == [403] * 5 + [429]
    assert client.post("/live/board/enter/", {"password": "x" * 200}).status_code == 400
