"""The admin page that turns a UID back into its path, through the tile-server client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tests.base import client_for, uid_on_tile_server

pytestmark = pytest.mark.django_db

URL = "/admin/uid-lookup/"


@pytest.mark.embedded_only
def test_an_admin_finds_the_path_of_a_uid(admin: AbstractUser, slide_path: str) -> None:
    uid = uid_on_tile_server(admin, slide_path)
    response = client_for(admin).get(URL, {"uid": uid.lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{uid} is <code>{slide_path}</code>" in html
    assert "open in the studio" in html


@pytest.mark.embedded_only
def test_an_unknown_uid_says_so(admin: AbstractUser, slides_dir: object) -> None:
    response = client_for(admin).get(URL, {"uid": "ZZZZZZZZZ9"})
    assert response.status_code == 404
    assert b"There is no slide with UID ZZZZZZZZZ9." in response.content


def test_the_empty_form_is_shown(admin: AbstractUser) -> None:
    response = client_for(admin).get(URL)
    assert response.status_code == 200 and b'name="uid"' in response.content


def test_a_malformed_uid_is_a_400(admin: AbstractUser) -> None:
    response = client_for(admin).get(URL, {"uid": "../etc/passwd"})
    assert response.status_code == 400
    assert b"A UID is 10 letters and digits." in response.content


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(owner_client: Client) -> None:
    response = owner_client.get(URL, {"uid": "ABCDEFGHIJ"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_post_is_refused(admin: AbstractUser) -> None:
    assert client_for(admin).post(URL, {"uid": "ABCDEFGHIJ"}).status_code == 405


@pytest.mark.embedded_only
def test_staff_who_are_not_tile_server_admins_are_refused(
    django_user_model: type[AbstractUser], slide_path: str, fast_hashers: None
) -> None:
    from tests.base import make_user

    staff = make_user("clerk", is_staff=True)
    response = client_for(staff).get(URL, {"uid": uid_on_tile_server(staff, slide_path)})
    assert response.status_code == 403
    assert b"Only administrators" in response.content
