from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from pmacore.errors import NotAuthenticated
from studio.tileclient import get_client
from studio.tileclient.embedded import EmbeddedClient
from studio.tileclient.remote import RemoteClient
from tests.base import PASSWORD
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_() -> EmbeddedClient:
    return EmbeddedClient()


def test_get_client_is_embedded_without_a_tile_server_url(settings: Settings) -> None:
    settings.TILE_SERVER_URL = ""
    assert isinstance(get_client(), EmbeddedClient)


def test_get_client_is_remote_with_a_tile_server_url(settings: Settings) -> None:
    settings.TILE_SERVER_URL = "http://tiles.example.org/core/"
    client = get_client()
    assert isinstance(client, RemoteClient)
    assert client.name == "the tile server at tiles.example.org"


def test_authenticate_opens_a_session_for_the_user(
    client_: EmbeddedClient, owner: AbstractUser
) -> None:
    login = client_.authenticate("owner", PASSWORD)
    assert ApiSession.lookup(login.session_id).user == owner
    assert (login.username, login.first_name, login.email) == ("owner", "Olivia", owner.email)


def test_authenticate_rejects_a_wrong_password(
    client_: EmbeddedClient, owner: AbstractUser
) -> None:
    with pytest.raises(NotAuthenticated):
        client_.authenticate("owner", "not-the-password")


def test_authenticate_rejects_an_inactive_user(
    client_: EmbeddedClient, owner: AbstractUser
) -> None:
    owner.is_active = False
    owner.save()
    with pytest.raises(NotAuthenticated):
        client_.authenticate("owner", PASSWORD)


def test_session_for_user_reuses_the_live_session(
    client_: EmbeddedClient, owner: AbstractUser
) -> None:
    assert client_.session_for_user(owner) == client_.authenticate("owner", PASSWORD).session_id


def test_it_rejects_an_unknown_session(client_: EmbeddedClient) -> None:
    with pytest.raises(NotAuthenticated):
        client_.check_session("no-such-session")


def test_a_checked_session_needs_no_query_for_a_minute(
    client_: EmbeddedClient, owner: AbstractUser, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    session_id = ApiSession.open_for(owner).session_id
    client_.check_session(session_id)
    with django_assert_num_queries(0):
        client_.check_session(session_id)


def test_deauthenticate_ends_the_session_at_once(
    client_: EmbeddedClient, owner: AbstractUser
) -> None:
    session_id = client_.authenticate("owner", PASSWORD).session_id
    client_.check_session(session_id)
    client_.deauthenticate(session_id)
    assert not ApiSession.objects.filter(session_id=session_id).exists()
    with pytest.raises(NotAuthenticated):
        client_.check_session(session_id)


def test_browse_calls_need_a_session(client_: EmbeddedClient) -> None:
    with pytest.raises(NotAuthenticated):
        client_.root_directories("bogus")
    with pytest.raises(NotAuthenticated):
        client_.tile("bogus", "root/slide.svs", 0, 0, 0)
