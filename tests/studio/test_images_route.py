from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.test import Client

from tests.base import decode_image

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("kind", ["thumbnail", "label", "macro"])
def test_it_serves_associated_images(owner_client: Client, slide_path: str, kind: str) -> None:
    response = owner_client.get(f"/images/{kind}", {"slide": slide_path, "w": 200, "h": 150})
    assert response.status_code == 200
    image = decode_image(response.content)
    assert image.width <= 200 and image.height <= 150
    assert max(image.size) > 0


def test_it_keeps_the_aspect_ratio_of_a_thumbnail(owner_client: Client, slide_path: str) -> None:
    response = owner_client.get("/images/thumbnail", {"slide": slide_path, "w": 200, "h": 200})
    image = decode_image(response.content)
    assert 200 in image.size


def test_it_sends_short_private_caching_headers(owner_client: Client, slide_path: str) -> None:
    response = owner_client.get("/images/thumbnail", {"slide": slide_path, "w": 100})
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["ETag"].endswith('-thumbnail-100x0"')


def test_it_answers_304_to_a_matching_etag(
    owner_client: Client, slide_path: str, engine_calls: Counter[str]
) -> None:
    params = {"slide": slide_path, "w": 100, "h": 100}
    etag = owner_client.get("/images/label", params)["ETag"]
    response = owner_client.get("/images/label", params, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert engine_calls["label"] == 1


def test_it_caches_images(
    owner_client: Client, slide_path: str, engine_calls: Counter[str]
) -> None:
    params = {"slide": slide_path, "w": 120, "h": 90}
    first = owner_client.get("/images/thumbnail", params)
    second = owner_client.get("/images/thumbnail", params)
    assert first.content == second.content
    assert engine_calls["thumbnail"] == 1


def test_it_answers_401_to_anonymous_users(client: Client, slide_path: str) -> None:
    response = client.get("/images/thumbnail", {"slide": slide_path})
    assert response.status_code == 401


def test_it_answers_404_to_unknown_kinds(owner_client: Client, slide_path: str) -> None:
    assert owner_client.get("/images/overview", {"slide": slide_path}).status_code == 404


@pytest.mark.parametrize(
    "params", [{"w": "-1"}, {"w": "wide"}, {"h": "99999"}, {"slide": "../secret"}, {"slide": ""}]
)
def test_it_refuses_bad_parameters(
    owner_client: Client, slide_path: str, params: dict[str, str]
) -> None:
    response = owner_client.get("/images/thumbnail", {"slide": slide_path, **params})
    assert response.status_code == 400
    assert response.content


def test_it_reports_a_missing_slide(owner_client: Client, slide_path: str) -> None:
    missing = slide_path.split("/")[0] + "/no-such-slide.svs"
    response = owner_client.get("/images/thumbnail", {"slide": missing})
    assert response.status_code == 404


def test_it_reports_an_unreadable_slide(owner_client: Client, broken_slides_dir: Path) -> None:
    response = owner_client.get("/images/thumbnail", {"slide": "Broken/broken.svs"})
    assert response.status_code == 422
