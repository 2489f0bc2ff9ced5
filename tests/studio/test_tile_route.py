from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from tests.base import client_for, decode_image, forget_everything_cached
from tileserver import engine
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db(transaction=True)


def tile_url(fingerprint: str, z: int, x: int, y: int) -> str:
    return f"/tiles/{fingerprint}/{z}/{x}_{y}.jpg"


@pytest.fixture
def fingerprint(slide_path: str) -> str:
    return engine.fingerprint(slide_path)


def test_it_serves_a_256_pixel_jpeg(
    owner_client: Client, slide_path: str, fingerprint: str
) -> None:
    response = owner_client.get(tile_url(fingerprint, 0, 0, 0), {"slide": slide_path})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = decode_image(response.content)
    assert (image.format, image.size) == ("JPEG", (256, 256))


def test_it_sends_caching_headers(owner_client: Client, slide_path: str, fingerprint: str) -> None:
    response = owner_client.get(tile_url(fingerprint, 1, 0, 0), {"slide": slide_path})
    assert response["ETag"] == f'"{fingerprint}-1-0-0"'
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_it_answers_304_to_a_matching_etag(
    owner_client: Client, slide_path: str, fingerprint: str, engine_calls: Counter[str]
) -> None:
    url = tile_url(fingerprint, 0, 0, 0)
    etag = owner_client.get(url, {"slide": slide_path})["ETag"]
    response = owner_client.get(url, {"slide": slide_path}, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert engine_calls["tile"] == 1


def test_it_serves_a_cached_tile_without_asking_the_engine(
    owner_client: Client, slide_path: str, fingerprint: str, engine_calls: Counter[str]
) -> None:
    url = tile_url(fingerprint, 1, 0, 0)
    first = owner_client.get(url, {"slide": slide_path})
    second = owner_client.get(url, {"slide": slide_path})
    assert second.status_code == 200
    assert second.content == first.content
    assert engine_calls["tile"] == 1
    assert engine_calls["slide_info"] == 1


def test_a_warm_tile_makes_no_database_query(
    owner_client: Client,
    slide_path: str,
    fingerprint: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = tile_url(fingerprint, 0, 0, 0)
    owner_client.get(url, {"slide": slide_path})
    with django_assert_num_queries(0):
        response = owner_client.get(url, {"slide": slide_path})
    assert response.status_code == 200


def test_it_answers_401_to_anonymous_users(
    client: Client, slide_path: str, fingerprint: str
) -> None:
    response = client.get(tile_url(fingerprint, 0, 0, 0), {"slide": slide_path})
    assert response.status_code == 401
    assert "Location" not in response


def test_it_answers_401_after_logout(
    owner_client: Client, slide_path: str, fingerprint: str
) -> None:
    url = tile_url(fingerprint, 0, 0, 0)
    assert owner_client.get(url, {"slide": slide_path}).status_code == 200
    owner_client.post("/logout/")
    assert owner_client.get(url, {"slide": slide_path}).status_code == 401


def test_it_refuses_a_wrong_fingerprint(
    owner_client: Client, slide_path: str, engine_calls: Counter[str]
) -> None:
    response = owner_client.get(tile_url("not-the-fingerprint", 0, 0, 0), {"slide": slide_path})
    assert response.status_code == 404
    assert b"out of date" in response.content
    assert engine_calls["tile"] == 0


def test_it_reports_a_missing_slide(owner_client: Client, slide_path: str) -> None:
    missing = slide_path.split("/")[0] + "/no-such-slide.svs"
    response = owner_client.get(tile_url("abc", 0, 0, 0), {"slide": missing})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content


def test_it_reports_an_unreadable_slide(owner_client: Client, broken_slides_dir: Path) -> None:
    response = owner_client.get(tile_url("abc", 0, 0, 0), {"slide": "Broken/broken.svs"})
    assert response.status_code == 422
    assert response.content


@pytest.mark.parametrize(
    "slide", ["../etc/passwd", "/etc/passwd", "root/../../etc/passwd", "root\\x.svs", ""]
)
def test_it_refuses_paths_that_leave_the_slides(
    owner_client: Client, slides_dir: Path, slide: str
) -> None:
    for _ in range(2):  # good slide parameters are remembered; refused ones never are
        response = owner_client.get(tile_url("abc", 0, 0, 0), {"slide": slide})
        assert response.status_code == 400


def test_it_needs_the_slide_parameter(owner_client: Client, fingerprint: str) -> None:
    assert owner_client.get(tile_url(fingerprint, 0, 0, 0)).status_code == 400


def test_each_tile_gets_the_slide_its_own_query_names(
    owner_client: Client, slide_path: str, fingerprint: str
) -> None:
    url = tile_url(fingerprint, 0, 0, 0)
    assert owner_client.get(url, {"slide": slide_path}).status_code == 200
    # The same query string again, then a repeated parameter (the last one counts, as in
    # Django's QueryDict), then another slide: each is the slide its own query names.
    assert owner_client.get(url, {"slide": slide_path}).status_code == 200
    assert owner_client.get(f"{url}?slide=x/y.svs&slide={slide_path}").status_code == 200
    assert owner_client.get(f"{url}?slide={slide_path}&slide=x/y.svs").status_code == 404


@pytest.mark.parametrize(("z", "x", "y"), [(0, 1, 0), (0, 0, 1), (99, 0, 0), (1, 999, 0)])
def test_it_refuses_tiles_outside_the_slide(
    owner_client: Client, slide_path: str, fingerprint: str, z: int, x: int, y: int
) -> None:
    response = owner_client.get(tile_url(fingerprint, z, x, y), {"slide": slide_path})
    assert response.status_code == 400


def test_it_refuses_other_methods(owner_client: Client, slide_path: str, fingerprint: str) -> None:
    response = owner_client.post(tile_url(fingerprint, 0, 0, 0) + f"?slide={slide_path}")
    assert response.status_code == 405


@pytest.mark.embedded_only
def test_it_reopens_an_expired_tile_server_session(
    owner_client: Client, slide_path: str, fingerprint: str
) -> None:
    url = tile_url(fingerprint, 0, 0, 0)
    assert owner_client.get(url, {"slide": slide_path}).status_code == 200
    ApiSession.objects.all().delete()
    # The tile and the session check too (remembered for seconds): the engine must be asked.
    forget_everything_cached()
    response = owner_client.get(url, {"slide": slide_path})
    assert response.status_code == 200
    assert ApiSession.objects.count() == 1


def test_slide_info_is_cached_per_user_and_tiles_are_shared_after_the_check(
    owner_client: Client,
    colleague: object,
    slide_path: str,
    fingerprint: str,
    engine_calls: Counter[str],
) -> None:
    # What a slide is depends on who asks: the colleague's request asks the tile server
    # again (as them), then gets the tile the owner's request already cached.
    url = tile_url(fingerprint, 1, 0, 0)
    assert owner_client.get(url, {"slide": slide_path}).status_code == 200
    assert (engine_calls["slide_info"], engine_calls["tile"]) == (1, 1)
    colleague_client = client_for(colleague)  # type: ignore[arg-type]
    assert colleague_client.get(url, {"slide": slide_path}).status_code == 200
    assert (engine_calls["slide_info"], engine_calls["tile"]) == (2, 1)
