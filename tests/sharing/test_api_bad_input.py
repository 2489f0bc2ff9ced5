"""Input that used to crash the integrator API answers a clear 4xx `{Code, Message}`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db
SLIDE_API = "/API/Share/CreateLinkForSlide"
SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def session_id(owner: AbstractUser, settings: Settings, demo_slides_dir: Path) -> str:
    settings.SLIDES_DIR = demo_slides_dir
    return ApiSession.open_for(owner, caller="LIMS").session_id


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def error(response: HttpResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"Code", "Message"}
    return body


@pytest.mark.parametrize("offset", ["-14:00", "-01:00"])
def test_an_expiry_past_the_last_representable_day_is_400(
    api: Client, session_id: str, offset: str
) -> None:
    params = {
        "sessionID": session_id,
        "pathOrUid": SLIDE,
        "expiresAt": f"9999-12-31T23:59:59{offset}",
    }
    body = error(api.get(SLIDE_API, params), 400)
    assert "too far in the future" in body["Message"]


def test_the_last_representable_expiry_is_accepted(api: Client, session_id: str) -> None:
    params = {"sessionID": session_id, "pathOrUid": SLIDE, "expiresAt": "9999-12-31T12:00:00Z"}
    assert api.get(SLIDE_API, params).status_code == 200


def test_a_deeply_nested_json_body_is_400_even_without_a_session(api: Client) -> None:
    response = api.post(SLIDE_API, DEEP, content_type="application/json")
    assert error(response, 400)["Code"] == "BadRequest"


def test_a_deeply_nested_json_object_value_is_400(api: Client, session_id: str) -> None:
    body = b'{"sessionID": "%s", "pathOrUid": ' % session_id.encode() + DEEP + b"}"
    assert api.post(SLIDE_API, body, content_type="application/json").status_code == 400


def test_a_body_too_large_is_413_json(api: Client, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"label": "x" * 2000})
    assert error(api.post(SLIDE_API, big, content_type="application/json"), 413)
    form = {"label": "x" * 2000}
    assert error(api.post(SLIDE_API, form), 413)["Code"] == "PayloadTooLarge"


def test_too_many_form_fields_is_413_json(api: Client, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    form = {f"field{n}": "x" for n in range(20)}
    assert error(api.post(SLIDE_API, form), 413)["Code"] == "PayloadTooLarge"
