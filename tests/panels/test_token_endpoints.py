"""The routes a custom panel's page calls with its slide token, without a login."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from panels.lib.tokens import make_token
from tests.base import decode_image, uid_on_tile_server
from tests.panels.slide_fixtures import *  # noqa: F403
from tileserver import engine

# The token routes are async: their tile-server calls run in other threads.
pytestmark = pytest.mark.django_db(transaction=True)

INFO = reverse("panels:token-info")


def image_url(kind: str) -> str:
    return reverse("panels:token-image", args=[kind])


def test_info_answers_the_tokens_slide_to_anyone(
    client: Client, owner: AbstractUser, slide_path: str
) -> None:
    response = client.get(INFO, {"token": make_token(slide_path, owner.pk)})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    info = engine.slide_info(slide_path)
    assert data["path"] == slide_path
    assert data["uid"] == uid_on_tile_server(owner, slide_path)
    assert (data["width"], data["height"]) == (info.width, info.height)
    assert data["barcode"] == engine.barcode_text(slide_path)
    assert "Barcode" in data["associatedImages"]
    assert "fingerprint" not in data and "session" not in str(data).lower()


@pytest.mark.parametrize("kind", ["thumbnail", "label", "macro"])
def test_images_answer_the_tokens_slide(
    client: Client, owner: AbstractUser, slide_path: str, kind: str
) -> None:
    token = make_token(slide_path, owner.pk)
    response = client.get(image_url(kind), {"token": token, "w": 100, "h": 100})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    image = decode_image(response.content)
    assert max(image.size) <= 100


def test_the_slide_comes_only_from_the_token(
    client: Client, owner: AbstractUser, slide_path: str, other_slide_path: str
) -> None:
    token = make_token(slide_path, owner.pk)
    response = client.get(INFO, {"token": token, "slide": other_slide_path})
    assert response.json()["path"] == slide_path
    label = client.get(image_url("label"), {"token": token, "slide": other_slide_path, "w": 64})
    expected = client.get(image_url("label"), {"token": token, "w": 64})
    assert label.content == expected.content


def test_a_token_for_slide_a_edited_to_name_slide_b_is_refused(
    client: Client, owner: AbstractUser, slide_path: str, other_slide_path: str
) -> None:
    token = make_token(slide_path, owner.pk)
    other = make_token(other_slide_path, owner.pk)
    # Splice B's payload with A's signature, and the other way round.
    forged = other.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    for bad in (forged, token[:-3] + "abc", token + "x"):
        response = client.get(INFO, {"token": bad})
        assert response.status_code == 403
        assert response.json() == {"error": "This slide token is not valid."}
        assert client.get(image_url("thumbnail"), {"token": bad}).status_code == 403


def test_an_expired_token_is_refused(client: Client, owner: AbstractUser, slide_path: str) -> None:
    with time_machine.travel("2026-03-01 09:00:00Z", tick=False):
        token = make_token(slide_path, owner.pk)
    with time_machine.travel("2026-03-01 09:20:00Z", tick=False):
        response = client.get(INFO, {"token": token})
        assert response.status_code == 403
        assert "expired" in response.json()["error"]
        assert client.get(image_url("label"), {"token": token}).status_code == 403


def test_a_missing_token_or_bad_size_is_400(client: Client, slides_dir: Path) -> None:
    assert client.get(INFO).status_code == 400
    token = make_token("demo/a.svs", 1)
    assert client.get(image_url("label"), {"token": token, "w": "huge"}).status_code == 400
    assert client.get(image_url("region"), {"token": token}).status_code == 404


def test_a_token_for_a_missing_slide_is_a_readable_404(
    client: Client, owner: AbstractUser, slides_dir: Path
) -> None:
    response = client.get(INFO, {"token": make_token("demo/none.svs", owner.pk)})
    assert response.status_code == 404
    assert "error" in response.json()


def test_a_token_of_a_deleted_user_opens_nothing(
    client: Client, stranger: AbstractUser, slide_path: str
) -> None:
    token = make_token(slide_path, stranger.pk)
    stranger.delete()
    assert client.get(INFO, {"token": token}).status_code in (401, 403)


def test_only_get_is_allowed(client: Client, owner: AbstractUser, slide_path: str) -> None:
    token = make_token(slide_path, owner.pk)
    assert client.post(INFO, {"token": token}).status_code == 405


def test_the_demo_page_needs_no_login_and_may_be_framed_by_the_studio(client: Client) -> None:
    response = client.get(reverse("panels:demo-label"), {"slide": "a/b.svs", "token": "t"})
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert 'data-token-info-url="/panels/token/info"' in html
    assert "panels/demo/label.js" in html
