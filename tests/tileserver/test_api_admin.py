"""Administration calls of the PMA.core API: ReverseLookupUID."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tileserver.models import ApiSession, SlideUID

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_session(django_user_model: type[AbstractUser], fast_hashers: None) -> str:
    admin = django_user_model.objects.create_superuser("boss", password="x-pass-word")
    return ApiSession.open_for(admin, caller="tests").session_id


def lookup(client: Client, session_id: str, uid: str) -> tuple[int, object]:
    response = client.get(
        "/core/admin/json/ReverseLookupUID", {"sessionID": session_id, "uid": uid}
    )
    return response.status_code, response.json()


def test_an_admin_gets_the_path_of_a_uid(
    api_client: Client, admin_session: str, demo_slide: str
) -> None:
    uid = api_client.get(
        "/core/api/json/GetUID", {"sessionID": admin_session, "path": demo_slide}
    ).json()
    assert lookup(api_client, admin_session, uid) == (200, demo_slide)


def test_anyone_else_is_refused(api_client: Client, session_id: str, demo_slide: str) -> None:
    uid = SlideUID.for_path(demo_slide)
    status, body = lookup(api_client, session_id, uid)
    assert status == 403 and body["Code"] == "NotAllowed"  # type: ignore[index]


def test_an_unknown_uid_is_not_found_and_a_malformed_one_a_bad_request(
    api_client: Client, admin_session: str, slides_dir: Path
) -> None:
    status, body = lookup(api_client, admin_session, "ZZZZZZZZZ9")
    assert status == 404 and body["Code"] == "FileNotFound"  # type: ignore[index]
    assert lookup(api_client, admin_session, "../etc")[0] == 400


def test_without_a_session_it_is_refused(api_client: Client, demo_slide: str) -> None:
    assert lookup(api_client, "", SlideUID.for_path(demo_slide))[0] == 401


def test_uids_of_neighbouring_paths_share_nothing(slides_dir: Path) -> None:
    uids = [SlideUID.for_path(f"demo/x/slide-{i}.svs") for i in range(20)]
    assert len(set(uids)) == 20
    # No common prefix, no sequence: random per path.
    assert len({uid[:3] for uid in uids}) > 15
