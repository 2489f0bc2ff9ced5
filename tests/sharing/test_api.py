"""The integrator API: /API/Share/CreateLinkFor{Slide,Folder,Grid}."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from sharing.models import Share
from tileserver import engine
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db
SLIDE_API = "/API/Share/CreateLinkForSlide"
FOLDER_API = "/API/Share/CreateLinkForFolder"
GRID_API = "/API/Share/CreateLinkForGrid"


@pytest.fixture
def slides(settings: Settings, demo_slides_dir: Path) -> list[str]:
    """Virtual paths of the demo slides, served by the embedded tile server."""
    settings.SLIDES_DIR = demo_slides_dir
    found = sorted(
        p.relative_to(demo_slides_dir).as_posix() for p in demo_slides_dir.rglob("*.svs")
    )
    assert len(found) >= 3
    return found


@pytest.fixture
def session_id(owner: AbstractUser) -> str:
    return ApiSession.open_for(owner, caller="LIMS").session_id


@pytest.fixture
def api() -> Client:
    # No cookies and no CSRF token: integrators have neither.
    return Client(enforce_csrf_checks=True)


def created(response: HttpResponse) -> Share:
    assert response.status_code == 200, response.content
    url = json.loads(response.content)
    assert isinstance(url, str)
    assert url.startswith("http://testserver/s/")
    token = url.removeprefix("http://testserver/s/").removesuffix("/")
    assert url == f"http://testserver/s/{token}/"
    return Share.objects.get(token=token)


def error(response: HttpResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert set(body) == {"Code", "Message"}
    return body


def test_it_creates_a_slide_link_owned_by_the_sessions_user(
    api: Client, session_id: str, slides: list[str], owner: AbstractUser
) -> None:
    response = api.get(SLIDE_API, {"sessionID": session_id, "pathOrUid": slides[0]})
    share = created(response)
    assert (share.owner, share.kind, share.path) == (owner, "slide", slides[0])
    assert not share.has_password
    assert share.expires_at is None
    assert not share.include_annotations
    assert response["Cache-Control"] == "no-store"


def test_the_links_it_gives_open(api: Client, session_id: str, slides: list[str]) -> None:
    folder = slides[0].rsplit("/", 1)[0]
    replies = [
        api.get(SLIDE_API, {"sessionID": session_id, "pathOrUid": slides[0]}),
        api.get(FOLDER_API, {"sessionID": session_id, "path": folder}),
        api.get(GRID_API, {"sessionID": session_id, "pathOrUids": ",".join(slides[:2])}),
    ]
    in_folder = len(engine.slides(folder))
    for reply, kind, count in zip(
        replies, ["slide", "folder", "grid"], [1, in_folder, 2], strict=True
    ):
        page = Client().get(json.loads(reply.content))
        assert page.status_code == 200
        assert f'data-kind="{kind}" data-slide-count="{count}"' in page.content.decode()


def test_it_resolves_a_uid_to_the_slides_path(
    api: Client, session_id: str, slides: list[str]
) -> None:
    uid = engine.uid(slides[1])
    share = created(api.get(SLIDE_API, {"sessionID": session_id, "pathOrUid": uid}))
    assert share.path == slides[1]
    assert share.covers(slides[1])


def test_parameter_names_are_case_insensitive(
    api: Client, session_id: str, slides: list[str]
) -> None:
    share = created(
        api.post(
            SLIDE_API,
            {"SESSIONID": session_id, "PathOrUID": slides[0], "INCLUDEANNOTATIONS": "1"},
        )
    )
    assert share.include_annotations


def test_it_takes_a_json_body(api: Client, session_id: str, slides: list[str]) -> None:
    body = {
        "sessionId": session_id,
        "pathOrUid": slides[0],
        "password": "pw 1",
        "expiresAt": "2099-01-31T17:00:00+01:00",
        "includeAnnotations": True,
        "label": "case <42>",
    }
    share = created(api.post(SLIDE_API, json.dumps(body), content_type="application/json"))
    assert share.check_password("pw 1")
    assert share.expires_at == datetime(2099, 1, 31, 16, 0, tzinfo=UTC)
    assert share.include_annotations
    assert share.label == "case <42>"


def test_a_naive_expiry_is_utc(api: Client, session_id: str, slides: list[str]) -> None:
    query = {"sessionID": session_id, "pathOrUid": slides[0], "expiresAt": "2099-06-01T08:30"}
    share = created(api.get(SLIDE_API, query))
    assert share.expires_at == datetime(2099, 6, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("expiresAt", "2001-01-01T00:00:00Z"),
        ("expiresAt", "next tuesday"),
        ("includeAnnotations", "maybe"),
        ("label", "x" * 201),
        ("pathOrUid", "demo/../secret.svs"),
        ("pathOrUid", "/etc/passwd"),
        ("pathOrUid", ""),
    ],
)
def test_bad_input_is_400(
    api: Client, session_id: str, slides: list[str], name: str, value: str
) -> None:
    query = {"sessionID": session_id, "pathOrUid": slides[0], name: value}
    body = error(api.get(SLIDE_API, query), 400)
    assert body["Code"] == "BadRequest"
    assert not Share.objects.exists()


def test_a_past_expiry_says_so(api: Client, session_id: str, slides: list[str]) -> None:
    query = {"sessionID": session_id, "pathOrUid": slides[0], "expiresAt": "2001-01-01"}
    assert "expiresAt" in error(api.get(SLIDE_API, query), 400)["Message"]


def test_a_bad_json_body_is_400(api: Client, session_id: str) -> None:
    response = api.post(SLIDE_API, "[1, 2", content_type="application/json")
    assert error(response, 400)["Code"] == "BadRequest"


def test_a_missing_slide_is_404(api: Client, session_id: str, slides: list[str]) -> None:
    query = {"sessionID": session_id, "pathOrUid": slides[0] + "-gone.svs"}
    assert error(api.get(SLIDE_API, query), 404)["Code"] == "FileNotFound"


@pytest.mark.parametrize("session", [None, "", "not-a-session", "A" * 22])
def test_it_needs_a_tile_server_session(
    api: Client, slides: list[str], session: str | None
) -> None:
    query = {"pathOrUid": slides[0]} | ({"sessionID": session} if session is not None else {})
    assert error(api.get(SLIDE_API, query), 401)["Code"] == "SessionNotFound"
    assert not Share.objects.exists()


def test_an_expired_session_is_refused(
    api: Client, session_id: str, slides: list[str], settings: Settings
) -> None:
    later = datetime.now(UTC) + timedelta(seconds=settings.TILE_SERVER_SESSION_TTL + 60)
    with time_machine.travel(later):
        response = api.get(SLIDE_API, {"sessionID": session_id, "pathOrUid": slides[0]})
    error(response, 401)


def test_a_deactivated_users_session_is_refused(
    api: Client, session_id: str, slides: list[str], owner: AbstractUser
) -> None:
    owner.is_active = False
    owner.save()
    error(api.get(SLIDE_API, {"sessionID": session_id, "pathOrUid": slides[0]}), 401)


def test_the_session_is_checked_before_the_input(api: Client) -> None:
    error(api.get(SLIDE_API, {"sessionID": "nope"}), 401)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(api: Client, session_id: str, method: str) -> None:
    assert error(getattr(api, method)(SLIDE_API), 405)["Code"] == "MethodNotAllowed"


def test_it_creates_a_folder_link(
    api: Client, session_id: str, slides: list[str], owner: AbstractUser
) -> None:
    folder = slides[0].rsplit("/", 1)[0]
    share = created(api.post(FOLDER_API, {"sessionID": session_id, "path": folder + "/"}))
    assert (share.owner, share.kind, share.path) == (owner, "folder", folder)
    assert share.covers(slides[0])


def test_a_missing_folder_is_404(api: Client, session_id: str, slides: list[str]) -> None:
    query = {"sessionID": session_id, "path": slides[0].split("/")[0] + "/no-such-folder"}
    assert error(api.get(FOLDER_API, query), 404)["Code"] == "DirectoryNotFound"


def test_a_folder_link_needs_a_path(api: Client, session_id: str, slides: list[str]) -> None:
    assert "path" in error(api.get(FOLDER_API, {"sessionID": session_id}), 400)["Message"]


def test_it_creates_a_grid_link_from_comma_separated_slides(
    api: Client, session_id: str, slides: list[str]
) -> None:
    query = {"sessionID": session_id, "pathOrUids": ",".join(slides[:3])}
    share = created(api.get(GRID_API, query))
    assert share.kind == "grid"
    assert share.grid == {"slides": slides[:3], "rows": 2, "columns": 2, "sync": True}


def test_it_takes_grid_slides_as_a_json_array_or_repeated(
    api: Client, session_id: str, slides: list[str]
) -> None:
    as_json = {"sessionID": session_id, "pathOrUids": json.dumps(slides[:2]), "sync": "false"}
    share = created(api.get(GRID_API, as_json))
    assert share.grid == {"slides": slides[:2], "rows": 1, "columns": 2, "sync": False}
    repeated = api.post(GRID_API, {"sessionID": session_id, "pathOrUids": slides[:3], "rows": 1})
    assert created(repeated).grid["slides"] == slides[:3]
    assert created(repeated).grid["columns"] == 3
    in_json = {"sessionID": session_id, "pathOrUids": [engine.uid(slides[2])], "columns": 2}
    share = created(api.post(GRID_API, json.dumps(in_json), content_type="application/json"))
    assert share.grid == {"slides": [slides[2]], "rows": 1, "columns": 2, "sync": True}


def test_a_grid_too_small_for_its_slides_is_400(
    api: Client, session_id: str, slides: list[str]
) -> None:
    query = {"sessionID": session_id, "pathOrUids": ",".join(slides[:3]), "rows": 1, "columns": 2}
    assert "do not fit" in error(api.get(GRID_API, query), 400)["Message"]


def test_a_grid_with_a_missing_slide_is_404(
    api: Client, session_id: str, slides: list[str]
) -> None:
    query = {"sessionID": session_id, "pathOrUids": f"{slides[0]},{slides[0]}x.svs"}
    error(api.get(GRID_API, query), 404)
    assert not Share.objects.exists()


def test_a_grid_needs_slides(api: Client, session_id: str, slides: list[str]) -> None:
    assert "pathOrUids" in error(api.get(GRID_API, {"sessionID": session_id}), 400)["Message"]
