"""Logging in to a studio whose tile server is remote: the credentials are checked there,
and a local shadow user carries the studio's own data."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from studio.auth import TILE_SESSION_KEY
from studio.tileclient.remote import RemoteClient
from tests import remote_users
from tests.base import PASSWORD, use_tile_server
from tests.live_server import LiveTileServer

pytestmark = [pytest.mark.django_db, pytest.mark.own_tile_server]


@pytest.fixture
def remote_studio(settings: Settings, live_tile_server: LiveTileServer) -> LiveTileServer:
    use_tile_server(settings, live_tile_server)
    return live_tile_server


def login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_tile_server_user_logs_in_and_gets_a_shadow_user(
    client: Client, remote_studio: LiveTileServer
) -> None:
    # A user the studio has never seen: it exists on the tile server only.
    stranger_to_studio = get_user_model()(
        username="only-remote", first_name="Rémi", last_name="Ote", email="remi@example.org"
    )
    remote_users.create(stranger_to_studio, PASSWORD, remote_studio)
    response = login(client, "only-remote")
    assert response.status_code == 302
    shadow = get_user_model().objects.get(username="only-remote")
    assert (shadow.first_name, shadow.last_name, shadow.email) == (
        "Rémi",
        "Ote",
        "remi@example.org",
    )
    assert not shadow.has_usable_password()
    session_id = client.session[TILE_SESSION_KEY]
    assert RemoteClient(remote_studio.url).root_directories(session_id)
    assert client.get(reverse("browse")).status_code == 200


def test_a_wrong_password_is_refused_by_the_tile_server(
    client: Client, remote_studio: LiveTileServer, owner: AbstractUser
) -> None:
    remote_users.create(owner, PASSWORD, remote_studio)
    response = login(client, "owner", "not-the-password")
    assert b"Please enter a correct username and password" in response.content
    assert TILE_SESSION_KEY not in client.session


def test_the_login_page_names_the_tile_server(
    client: Client, remote_studio: LiveTileServer
) -> None:
    host = remote_studio.url.split("/")[2]
    assert f"checked by the tile server at {host}".encode() in client.get(reverse("login")).content


def test_a_tile_server_that_is_down_is_not_called_a_wrong_password(
    client: Client, settings: Settings, remote_studio: LiveTileServer, owner: AbstractUser
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TILE_SERVER_URL = f"http://127.0.0.1:{port}/core/"
    response = login(client, "owner")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Cannot log in right now: the tile server at 127.0.0.1:{port} cannot be reached" in text
    assert "correct username and password" not in text


def test_an_ended_tile_server_session_sends_the_user_to_log_in_again(
    client: Client, remote_studio: LiveTileServer, owner: AbstractUser
) -> None:
    remote_users.create(owner, PASSWORD, remote_studio)
    login(client, "owner")
    RemoteClient(remote_studio.url).deauthenticate(client.session[TILE_SESSION_KEY])
    response = client.get(reverse("browse"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_local_admin_still_reaches_the_admin_site(
    client: Client, remote_studio: LiveTileServer, fast_hashers: None
) -> None:
    # Not a user of the tile server: the local account works for /admin/ only.
    get_user_model().objects.create_superuser("local-admin", "admin@example.org", PASSWORD)
    response = client.post(
        reverse("admin:login"),
        {"username": "local-admin", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
