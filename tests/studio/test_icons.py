"""The site icon."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_site_icon_is_where_browsers_look_for_it(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].split("?")[0].endswith("studio/favicon.svg")
    page = client.get("/login/").content.decode()
    assert re.search(r'rel="icon" href="/static/studio/favicon\.svg\?v=[0-9a-f]+"', page)
