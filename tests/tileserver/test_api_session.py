"""Connecting to the PMA.core API: version probes, authenticate, DeAuthenticate, sessions."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.tileserver.conftest import PASSWORD
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db

LOGIN_KEYS = {
    "Username",
    "Success",
    "SessionId",
    "Status",
    "Reason",
    "Email",
    "FirstName",
    "LastName",
}


def post_json(client: Client, url: str, body: object) -> object:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_is_lite_is_false(api_client: Client) -> None:
    response = api_client.get("/core/api/json/IsLite")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() is False


def test_version_info_is_a_bare_3x_string_the_sdk_can_test(api_client: Client) -> None:
    version = api_client.get("/core/api/json/GetVersionInfo").json()
    assert isinstance(version, str)
    assert version.startswith("3.")
    assert "d" not in version and "Code" not in version


def test_build_revision_is_a_json_string(api_client: Client) -> None:
    response = api_client.get("/core/api/json/GetBuildRevision")
    assert response.content.startswith(b'"')
    assert isinstance(response.json(), str)


def test_api_version_is_a_list_of_ints(api_client: Client) -> None:
    assert api_client.get("/core/api/json/GetAPIVersion").json() == [3, 0, 1]


@pytest.mark.parametrize(
    "url",
    [
        "/core/api/json/getversioninfo",
        "/core/API/JSON/GETVERSIONINFO",
        "/core/api/json/GetVersionInfo/",
        "/core//api/json/GetVersionInfo",
        "/core/api//json//GetVersionInfo//",
    ],
)
def test_method_names_are_case_insensitive_and_slashes_tolerated(
    api_client: Client, url: str
) -> None:
    response = api_client.get(url)
    assert response.status_code == 200
    assert response.json().startswith("3.")


def test_responses_are_never_wrapped_in_d(api_client: Client) -> None:
    for method in ("IsLite", "GetVersionInfo", "GetBuildRevision", "GetAPIVersion"):
        body = api_client.get(f"/core/api/json/{method}").json()
        assert not isinstance(body, dict), method


def test_authenticate_by_post_json_opens_a_session(
    api_client: Client, pathologist: AbstractUser
) -> None:
    result = post_json(
        api_client,
        "/core/api/json/authenticate?caller=SDK.Python",
        {"username": "pathologist", "password": PASSWORD, "caller": "SDK.Python"},
    )
    assert isinstance(result, dict)
    assert result["Success"] is True
    session = ApiSession.lookup(result["SessionId"])
    assert session is not None and session.user == pathologist
    assert session.caller == "SDK.Python"


def test_authenticate_binds_body_keys_case_insensitively(
    api_client: Client, pathologist: AbstractUser
) -> None:
    result = post_json(
        api_client,
        "/core/api/json/Authenticate",
        {"Username": "pathologist", "Password": PASSWORD, "Caller": "PMA.UI"},
    )
    assert isinstance(result, dict) and result["Success"] is True


def test_authenticate_by_get_returns_exactly_the_eight_keys(
    api_client: Client, pathologist: AbstractUser
) -> None:
    response = api_client.get(
        "/core/api/json/Authenticate",
        {"username": "pathologist", "password": PASSWORD, "caller": "SDK.Python"},
    )
    assert response.status_code == 200
    result = response.json()
    assert set(result) == LOGIN_KEYS
    assert result["Success"] is True
    assert result["Username"] == "pathologist"
    assert result["Email"] == "path@example.org"
    assert result["FirstName"] == "Ada"
    assert isinstance(result["SessionId"], str) and len(result["SessionId"]) >= 20


def test_the_same_user_twice_gets_the_same_session_id(
    api_client: Client, pathologist: AbstractUser
) -> None:
    credentials = {"username": "pathologist", "password": PASSWORD}
    first = post_json(api_client, "/core/api/json/authenticate", credentials)
    second = api_client.get("/core/api/json/authenticate", credentials).json()
    assert isinstance(first, dict)
    assert first["SessionId"] == second["SessionId"]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "pathologist", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "pathologist"},
        {},
    ],
)
def test_a_failed_login_is_http_200_with_success_false(
    api_client: Client, pathologist: AbstractUser, credentials: dict[str, str]
) -> None:
    result = post_json(api_client, "/core/api/json/authenticate", credentials)
    assert isinstance(result, dict)
    assert set(result) == LOGIN_KEYS
    assert result["Success"] is False
    assert result["SessionId"] is None
    assert result["Reason"]
    assert not ApiSession.objects.exists()


def test_an_inactive_user_cannot_log_in(api_client: Client, pathologist: AbstractUser) -> None:
    pathologist.is_active = False
    pathologist.save()
    result = api_client.get(
        "/core/api/json/authenticate", {"username": "pathologist", "password": PASSWORD}
    ).json()
    assert result["Success"] is False


def test_a_malformed_json_body_is_a_400_error(api_client: Client) -> None:
    response = api_client.post(
        "/core/api/json/authenticate", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["Code"] == "BadRequest"


@pytest.mark.parametrize("key", ["sessionID", "SessionID", "sessionId", "SESSIONID"])
def test_the_session_parameter_name_is_case_insensitive(
    api_client: Client, session_id: str, key: str
) -> None:
    response = api_client.get("/core/api/json/DeAuthenticate", {key: session_id})
    assert response.status_code == 200


def test_deauthenticate_ends_the_session(api_client: Client, session_id: str) -> None:
    assert api_client.get("/core/api/json/DeAuthenticate", {"sessionID": session_id}).json()
    assert ApiSession.lookup(session_id) is None
    again = api_client.get("/core/api/json/DeAuthenticate", {"sessionID": session_id})
    assert again.status_code == 401


def test_a_warm_session_check_asks_neither_database_nor_cache(
    api_client: Client, session_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every tile checks its session: a check this process made seconds ago is trusted
    # without the sync thread's hand-off (which every tile would queue for).
    url = "/core/api/json/GetRootDirectories"
    assert api_client.get(url, {"sessionID": session_id}).status_code == 200
    checks: list[str] = []
    original = ApiSession.checked.__func__  # type: ignore[attr-defined]
    counted = classmethod(lambda cls, sid: checks.append(sid) or original(cls, sid))
    monkeypatch.setattr(ApiSession, "checked", counted)
    assert api_client.get(url, {"sessionID": session_id}).status_code == 200
    assert checks == []
    # ... and a deauthentication ends it at once all the same.
    assert api_client.get("/core/api/json/DeAuthenticate", {"sessionID": session_id}).json()
    assert api_client.get(url, {"sessionID": session_id}).status_code == 401


def test_after_deauthenticate_a_login_gets_a_new_session(
    api_client: Client, session_id: str
) -> None:
    api_client.get("/core/api/json/DeAuthenticate", {"sessionID": session_id})
    result = api_client.get(
        "/core/api/json/authenticate", {"username": "pathologist", "password": PASSWORD}
    ).json()
    assert result["Success"] is True
    assert result["SessionId"] != session_id


@pytest.mark.parametrize(
    "url",
    [
        "/core/api/json/GetRootDirectories",
        "/core/api/json/GetRootDirectories?sessionID=",
        "/core/api/json/GetRootDirectories?sessionID=not-a-session",
        "/core/api/json/GetImageInfo?SessionID=nope&pathOrUid=demo/a.svs",
        "/core/tile?sessionID=nope&pathOrUid=demo/a.svs&x=0&y=0&z=0",
        "/core/thumbnail?SessionID=nope&pathOrUid=demo/a.svs",
        "/core/query/json/Filename?sessionID=nope&path=demo&pattern=svs",
    ],
)
def test_a_missing_or_unknown_session_is_401_with_the_error_envelope(
    api_client: Client, url: str
) -> None:
    response = api_client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["Code"] == "SessionNotFound"
    assert body["Message"]


def test_an_expired_session_is_rejected(
    api_client: Client, session_id: str, settings: Settings
) -> None:
    settings.TILE_SERVER_SESSION_TTL = -1
    response = api_client.get("/core/api/json/GetRootDirectories", {"sessionID": session_id})
    assert response.status_code == 401


def test_a_session_of_a_deactivated_user_is_rejected(
    api_client: Client, session_id: str, pathologist: AbstractUser
) -> None:
    pathologist.is_active = False
    pathologist.save()
    response = api_client.get("/core/api/json/GetRootDirectories", {"sessionID": session_id})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "url", ["/core/api/json/NoSuchMethod", "/core/nothing", "/core/", "/core/api/xml/IsLite"]
)
def test_an_unknown_method_is_404_with_the_error_envelope(api_client: Client, url: str) -> None:
    response = api_client.get(url)
    assert response.status_code == 404
    body = response.json()
    assert body["Code"] == "MethodNotFound"
    assert body["Message"]


def test_an_unknown_method_is_404_even_without_a_session(api_client: Client) -> None:
    assert api_client.post("/core/api/json/Nope").status_code == 404


def test_a_wrong_http_method_is_405_json(api_client: Client) -> None:
    response = api_client.delete("/core/api/json/IsLite")
    assert response.status_code == 405
    assert response.json()["Code"] == "MethodNotAllowed"


def test_post_without_trailing_slash_is_not_redirected(api_client: Client) -> None:
    response = api_client.post("/core/api/json/authenticate", "{}", content_type="application/json")
    assert response.status_code == 200


def test_unknown_extra_parameters_are_ignored(api_client: Client) -> None:
    response = api_client.get("/core/api/json/GetAPIVersion", {"refresh": "0.123", "foo": "bar"})
    assert response.status_code == 200


@pytest.mark.parametrize("endpoint", ["GetRootDirectories", "GetVersionInfo", "GetDirectories"])
def test_every_json_call_takes_its_session_id_in_a_post_body(
    api_client: Client, session_id: str, slides_dir: object, endpoint: str
) -> None:
    # So that clients can keep the sessionID out of URLs and access logs.
    body = {"sessionID": session_id, "path": "demo"}
    assert api_client.post(f"/core/api/json/{endpoint}", body).status_code == 200
    assert post_json(api_client, f"/core/api/json/{endpoint}", body) is not None


def test_a_deeply_nested_json_body_is_400_json(api_client: Client) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    response = api_client.post("/core/api/json/Authenticate", deep, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["Code"] == "BadRequest"


def test_a_body_too_large_is_413_json(api_client: Client, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000})
    response = api_client.post("/core/api/json/Authenticate", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["Code"] == "PayloadTooLarge"
