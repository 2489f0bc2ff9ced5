from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from studio.auth import TILE_SESSION_KEY
from tileserver import engine

pytestmark = pytest.mark.django_db


def slide_data(html: str) -> dict[str, object]:
    match = re.search(r'<script id="slide-data" type="application/json">(.*?)</script>', html)
    assert match, "the page carries the slide data"
    return json.loads(match.group(1))


def test_it_shows_the_viewer_with_the_slide_data(owner_client: Client, slide_path: str) -> None:
    response = owner_client.get("/viewer/", {"slide": slide_path})
    assert response.status_code == 200
    html = response.content.decode()
    info = engine.slide_info(slide_path)
    data = slide_data(html)
    assert data["width"] == info.width and data["height"] == info.height
    assert data["tileSize"] == info.tile_size
    assert data["maxZoomLevel"] == info.max_zoom_level
    assert data["mppX"] == info.mpp_x
    assert data["fingerprint"] == info.fingerprint
    assert str(data["tileUrl"]).startswith(
        f"/tiles/{info.fingerprint}/{{z}}/{{x}}_{{y}}.jpg?slide="
    )
    assert "vendor/openseadragon/openseadragon.min.js" in html
    assert "studio/js/viewer.js" in html


def test_it_keeps_the_tile_server_session_out_of_the_page(
    owner_client: Client, slide_path: str
) -> None:
    response = owner_client.get("/viewer/", {"slide": slide_path})
    assert owner_client.session[TILE_SESSION_KEY] not in response.content.decode()


def test_it_shows_a_readable_404_for_a_missing_slide(owner_client: Client, slide_path: str) -> None:
    missing = slide_path.split("/")[0] + "/no-such-slide.svs"
    response = owner_client.get("/viewer/", {"slide": missing})
    assert response.status_code == 404
    assert b"Error 404" in response.content
    assert b"Back to the slides" in response.content


def test_it_shows_a_readable_422_for_an_unreadable_slide(
    owner_client: Client, broken_slides_dir: Path
) -> None:
    response = owner_client.get("/viewer/", {"slide": "Broken/broken.svs"})
    assert response.status_code == 422
    assert b"Cannot read this slide" in response.content


@pytest.mark.parametrize("query", [{}, {"slide": ""}, {"slide": "../../etc/passwd"}])
def test_it_refuses_a_bad_slide_parameter(
    owner_client: Client, slides_dir: Path, query: dict[str, str]
) -> None:
    assert owner_client.get("/viewer/", query).status_code == 400


def test_it_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/viewer/", {"slide": "a/b.svs"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
