"""Under `make run` (DEBUG on), link recipients get the project's 404 page, not Django's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.sharing.factory import make_share, open_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings: Settings) -> None:
    settings.DEBUG = True


def test_an_unknown_link_is_the_plain_404_page(debug: None, client: Client) -> None:
    response = client.get("/s/" + "x" * 43 + "/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "There is nothing at this address" in text
    assert "URLconf" not in text and "admin/" not in text


def test_an_unknown_address_below_a_link_is_the_plain_404_page(
    debug: None, owner: AbstractUser, client: Client
) -> None:
    response = client.get(open_url(make_share(owner)) + "no-such-page/")
    assert response.status_code == 404
    assert "URLconf" not in response.content.decode()
    assert "There is nothing at this address" in response.content.decode()


def test_the_studios_own_pages_keep_the_debug_page(debug: None, client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
