"""The integrator API with a remote tile server: the LIMS authenticates at the studio's
`/core/` (passed on to the tile server), creates a link with that sessionID, and a visitor
without any account opens it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sharing.models import Share
from studio.tileclient.principals import OwnerPrincipal
from studio.tileclient.remote import RemoteClient
from tests import remote_users
from tests.base import PASSWORD, use_tile_server
from tests.live_server import LiveTileServer
from tileserver import engine

# Share tiles open sessions on the tile thread pool: other threads need committed rows.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.own_tile_server]


@pytest.fixture
def lims(settings: Settings, live_tile_server: LiveTileServer) -> Client:
    use_tile_server(settings, live_tile_server)
    user = get_user_model()(username="lims", first_name="Lab", email="lims@example.org")
    remote_users.create(user, PASSWORD, live_tile_server)
    return Client(enforce_csrf_checks=True)


def authenticate(client: Client) -> str:
    body = {"username": "lims", "password": PASSWORD, "caller": "SDK.Python"}
    response = client.post(
        "/core/api/json/authenticate?caller=SDK.Python",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    reply = response.json()
    assert reply["Success"] is True, reply
    return str(reply["SessionId"])


def test_core_passes_the_api_on_to_the_tile_server(lims: Client) -> None:
    session_id = authenticate(lims)
    roots = lims.get("/core/api/json/GetRootDirectories", {"sessionID": session_id})
    assert roots.json() == engine.root_directories()
    missing = lims.get(
        "/core/api/json/GetImageInfo", {"SessionID": session_id, "pathOrUid": "demo/none.svs"}
    )
    assert missing.status_code == 404
    assert missing.json()["Code"] == "FileNotFound"


def test_a_link_made_with_a_remote_session_opens_for_a_visitor(lims: Client) -> None:
    session_id = authenticate(lims)
    slide = engine.find_slides("", ".svs")[0]
    response = lims.post(
        "/API/Share/CreateLinkForSlide", {"sessionID": session_id, "pathOrUid": slide}
    )
    assert response.status_code == 200, response.content
    url = response.json()
    share = Share.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])
    assert share.owner.get_username() == "lims"
    assert share.path == slide

    visitor = Client()
    assert visitor.get(url).status_code == 200
    fingerprint = engine.fingerprint(slide)
    tile = (
        reverse("sharing:tile", args=[share.token, fingerprint, 0, 0, 0])
        + f"?slide={share.slide_ref(slide)}"
    )
    answer = visitor.get(tile)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"


def test_a_link_by_uid_is_stored_by_path(lims: Client, live_tile_server: LiveTileServer) -> None:
    session_id = authenticate(lims)
    slide = engine.find_slides("", ".svs")[0]
    uid = RemoteClient(live_tile_server.url).slide_info(session_id, slide).uid
    response = lims.post(
        "/API/Share/CreateLinkForSlide", {"sessionID": session_id, "pathOrUid": uid}
    )
    assert response.status_code == 200, response.content
    assert Share.objects.get().path == slide


def test_a_missing_slide_is_the_tile_servers_error(lims: Client) -> None:
    session_id = authenticate(lims)
    response = lims.post(
        "/API/Share/CreateLinkForSlide", {"sessionID": session_id, "pathOrUid": "demo/none.svs"}
    )
    assert response.status_code == 404
    assert response.json()["Code"] == "FileNotFound"


def test_a_session_the_studio_never_saw_is_refused(
    lims: Client, live_tile_server: LiveTileServer
) -> None:
    session_id = RemoteClient(live_tile_server.url).authenticate("lims", PASSWORD).session_id
    cache.clear()  # as on another studio process without a shared cache
    response = lims.post(
        "/API/Share/CreateLinkForSlide", {"sessionID": session_id, "pathOrUid": "demo/x.svs"}
    )
    assert response.status_code == 401
    assert response.json()["Code"] == "SessionNotFound"


def test_links_keep_working_when_the_service_session_ends(
    lims: Client, live_tile_server: LiveTileServer
) -> None:
    session_id = authenticate(lims)
    slide = engine.find_slides("", ".svs")[0]
    url = lims.post(
        "/API/Share/CreateLinkForSlide", {"sessionID": session_id, "pathOrUid": slide}
    ).json()
    share = Share.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])
    visitor = Client()
    assert visitor.get(url).status_code == 200
    # The tile server forgets the service account's session (a restart, a timeout).
    ended = OwnerPrincipal(share.owner_id).get()
    RemoteClient(live_tile_server.url).deauthenticate(ended)
    fingerprint = engine.fingerprint(slide)
    tile = (
        reverse("sharing:tile", args=[share.token, fingerprint, 1, 0, 0])
        + f"?slide={share.slide_ref(slide)}"
    )
    assert visitor.get(tile).status_code == 200
    assert OwnerPrincipal(share.owner_id).get() != ended
