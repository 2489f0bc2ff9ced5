"""Error pages users see in production (DEBUG off): readable, in the studio's look."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings


@pytest.fixture
def production(settings: Settings) -> None:
    settings.DEBUG = False


@pytest.mark.django_db
def test_an_unknown_share_link_gets_a_readable_not_found_page(production: None) -> None:
    response = Client().get("/s/" + "A" * 43 + "/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and "shared link may have been deleted" in page
    assert "Traceback" not in page and "URLconf" not in page


def test_a_server_error_gets_a_readable_page_without_details(
    production: None, settings: Settings
) -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "Nothing you saved is lost" in page
