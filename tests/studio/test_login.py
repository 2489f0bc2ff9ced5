from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from studio.auth import TILE_SESSION_KEY
from tests.base import PASSWORD
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_shows_the_login_form(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


@pytest.mark.embedded_only
def test_it_logs_in_and_opens_a_tile_server_session(client: Client, owner: AbstractUser) -> None:
    response = login(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    session_id = client.session[TILE_SESSION_KEY]
    assert ApiSession.lookup(session_id).user == owner


def test_it_keeps_the_tile_server_session_id_off_the_browser(
    client: Client, owner: AbstractUser
) -> None:
    response = login(client, "owner", PASSWORD)
    session_id = client.session[TILE_SESSION_KEY]
    assert session_id not in str(response.cookies)
    assert session_id.encode() not in response.content


def test_it_rejects_a_wrong_password(client: Client, owner: AbstractUser) -> None:
    response = login(client, "owner", "wrong-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert TILE_SESSION_KEY not in client.session
    assert not ApiSession.objects.exists()


def test_it_follows_next_after_login(client: Client, owner: AbstractUser) -> None:
    response = client.post(
        reverse("login") + "?next=/viewer/%3Fslide%3Da/b.svs",
        {"username": "owner", "password": PASSWORD, "next": "/viewer/?slide=a/b.svs"},
    )
    assert response["Location"] == "/viewer/?slide=a/b.svs"


def test_pages_send_anonymous_users_to_login(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_both_sessions(client: Client, owner: AbstractUser) -> None:
    login(client, "owner", PASSWORD)
    session_id = client.session[TILE_SESSION_KEY]
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not ApiSession.objects.filter(session_id=session_id).exists()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(owner_client: Client) -> None:
    assert owner_client.get(reverse("logout")).status_code == 405
