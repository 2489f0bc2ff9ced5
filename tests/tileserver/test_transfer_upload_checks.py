"""transfer/Upload's refusals: rights, paths, size limit, lengths, overwrites, other users'
uploads, and stale staged files (in process, embedded tile server)."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser, Permission
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests.tileserver.transfer_fixtures import SVS, build_transfer_slides
from tileserver.models import ApiSession, SlideUpload

pytestmark = pytest.mark.django_db
URL = "/core/transfer/Upload"


@pytest.fixture
def writable_slides(settings: Settings, tmp_path: Path, demo_slides_dir: Path) -> Path:
    settings.SLIDES_DIR = build_transfer_slides(tmp_path / "slides", demo_slides_dir)
    return settings.SLIDES_DIR


def uploader_session(django_user_model: type[AbstractUser], name: str) -> str:
    user = django_user_model.objects.create_user(name, password="x-pass-word")
    user.user_permissions.add(Permission.objects.get(codename="upload_slides"))
    return ApiSession.open_for(user, caller="tests").session_id


@pytest.fixture
def uploader(django_user_model: type[AbstractUser], fast_hashers: None) -> str:
    return uploader_session(django_user_model, "uploader")


def header(
    client: Client, session: str, folder: str, files: list[dict[str, object]]
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"{URL}?sessionId={session}",
        {"path": folder, "files": files},
        content_type="application/json",
    )
    return response.status_code, response.json()


def send(client: Client, session: str, upload_id: object, path: str, data: bytes) -> int:
    part = io.BytesIO(data)
    part.name = path.rsplit("/", 1)[-1]
    response = client.post(f"{URL}/{upload_id}?sessionId={session}&path={path}", {"file": part})
    return response.status_code


def test_only_users_with_the_right_may_upload(
    api_client: Client, session_id: str, writable_slides: Path
) -> None:
    status, body = header(api_client, session_id, "lab/x", [{"path": "a.svs", "length": 1}])
    assert status == 403
    assert body["Code"] == "NotAllowed"
    assert "Can upload slides" in str(body["Message"])


@pytest.mark.parametrize(
    ("folder", "files", "status"),
    [
        ("", [{"path": "a.svs", "length": 1}], 400),  # the top level is no root directory
        ("nowhere/x", [{"path": "a.svs", "length": 1}], 404),  # no such root directory
        ("lab/../..", [{"path": "a.svs", "length": 1}], 400),
        ("lab/.hidden", [{"path": "a.svs", "length": 1}], 400),
        ("lab/svs/case.svs", [{"path": "a.svs", "length": 1}], 400),  # a file, not a folder
        ("lab/x", [{"path": "../a.svs", "length": 1}], 400),
        ("lab/x", [{"path": "/etc/a.svs", "length": 1}], 400),  # main file in a sub-folder
        ("lab/x", [{"path": "a.svs", "length": 1}, {"path": "a\\..\\..\\b", "length": 1}], 400),
        ("lab/x", [{"path": "a.svs", "length": -1}], 400),
        ("lab/x", [{"path": "a.svs", "length": "many"}], 400),
        ("lab/x", [{"path": "notes.txt", "length": 1}], 422),  # the main file is no slide
        ("lab/x", [{"path": "a.svs", "length": 1}, {"path": "A.SVS", "length": 1}], 400),
        ("lab/x", [], 400),
        ("lab/svs", [{"path": "case.svs", "length": 1}], 409),  # never overwritten
    ],
)
def test_bad_headers_are_refused(
    api_client: Client,
    uploader: str,
    writable_slides: Path,
    folder: str,
    files: list[dict[str, object]],
    status: int,
) -> None:
    got, body = header(api_client, uploader, folder, files)
    assert got == status, body
    assert set(body) == {"Code", "Message"}
    assert SlideUpload.objects.count() == 0


def test_size_limit(
    api_client: Client, uploader: str, writable_slides: Path, settings: Settings
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    status, body = header(
        api_client,
        uploader,
        "lab/x",
        [{"path": "a.mrxs", "length": 600}, {"path": "a/Data0000.dat", "length": 401}],
    )
    assert status == 413
    assert "1,001 bytes" in str(body["Message"]) and "1,000" in str(body["Message"])


def test_a_file_of_the_wrong_length_or_unannounced_is_refused(
    api_client: Client, uploader: str, writable_slides: Path
) -> None:
    status, body = header(api_client, uploader, "lab/x", [{"path": "a.svs", "length": 10}])
    assert status == 200 and set(body) == {"Id", "UploadType", "Urls", "MultipartFiles"}
    assert body["UploadType"] is None
    assert send(api_client, uploader, body["Id"], "a.svs", b"short") == 400
    assert send(api_client, uploader, body["Id"], "b.svs", b"0123456789") == 400
    assert send(api_client, uploader, body["Id"], "a.svs", b"0123456789") == 200
    assert not (writable_slides / "lab" / "x").exists()


def test_someone_elses_upload_is_not_found(
    api_client: Client,
    uploader: str,
    writable_slides: Path,
    django_user_model: type[AbstractUser],
) -> None:
    _, body = header(api_client, uploader, "lab/x", [{"path": "a.svs", "length": 3}])
    other = uploader_session(django_user_model, "other-uploader")
    assert send(api_client, other, body["Id"], "a.svs", b"abc") == 404
    finish = api_client.get(f"{URL}/{body['Id']}?sessionId={other}")
    assert finish.status_code == 404
    assert api_client.get(f"{URL}/multipart?sessionId={uploader}").status_code == 400


def test_stale_uploads_are_cleaned_up_when_an_upload_starts(
    api_client: Client, uploader: str, writable_slides: Path, settings: Settings
) -> None:
    settings.UPLOAD_STALE_SECONDS = 3600
    _, old = header(api_client, uploader, "lab/x", [{"path": "a.svs", "length": 3}])
    assert send(api_client, uploader, old["Id"], "a.svs", b"abc") == 200
    staged = writable_slides / ".uploads" / str(old["Id"])
    assert staged.is_dir()
    orphan = writable_slides / ".uploads" / "999.finishing"
    orphan.mkdir()
    two_hours_ago = time.time() - 7200
    for path in [staged / "a.svs", staged, orphan]:
        os.utime(path, (two_hours_ago, two_hours_ago))
    SlideUpload.objects.filter(pk=old["Id"]).update(
        created=timezone.now() - timedelta(seconds=7200)
    )

    status, new = header(api_client, uploader, "lab/y", [{"path": "b.svs", "length": 3}])

    assert status == 200
    assert list(SlideUpload.objects.values_list("pk", flat=True)) == [new["Id"]]
    assert not staged.exists() and not orphan.exists()


def test_finished_upload_answers_the_same_again(
    api_client: Client, uploader: str, writable_slides: Path
) -> None:
    data = (writable_slides / SVS).read_bytes()
    _, body = header(api_client, uploader, "lab/new", [{"path": "copy.svs", "length": len(data)}])
    assert send(api_client, uploader, body["Id"], "copy.svs", data) == 200
    first = api_client.get(f"{URL}/{body['Id']}?sessionId={uploader}")
    again = api_client.get(f"{URL}/{body['Id']}?sessionId={uploader}")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["Path"] == "lab/new/copy.svs"
    assert (writable_slides / "lab/new/copy.svs").read_bytes() == data
    assert send(api_client, uploader, body["Id"], "copy.svs", data) == 409


def test_admins_see_the_record_of_uploads(
    api_client: Client,
    uploader: str,
    writable_slides: Path,
    django_user_model: type[AbstractUser],
) -> None:
    header(api_client, uploader, "lab/x", [{"path": "seen.svs", "length": 3}])
    boss = django_user_model.objects.create_superuser("boss", password="x-pass-word")
    admin_client = Client()
    admin_client.force_login(boss)
    page = admin_client.get("/admin/tileserver/slideupload/").content.decode()
    assert "seen.svs" in page and "lab/x" in page
