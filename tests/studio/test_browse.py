from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from django.test import Client

from studio.auth import TILE_SESSION_KEY
from tests.base import forget_everything_cached
from tests.dicom_files import write_series
from tileserver import engine
from tileserver.models import ApiSession

pytestmark = pytest.mark.django_db


def test_it_lists_the_root_directories(owner_client: Client, slides_dir: Path) -> None:
    response = owner_client.get("/browse/")
    assert response.status_code == 200
    for root in engine.root_directories():
        assert f'href="/browse/?folder={root}"'.encode() in response.content


def test_it_lists_a_folder_with_breadcrumbs_and_thumbnails(
    owner_client: Client, slide_path: str
) -> None:
    folder, _, name = slide_path.rpartition("/")
    response = owner_client.get("/browse/", {"folder": folder})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Breadcrumbs"' in html
    assert f"/viewer/?slide={slide_path}" in html.replace("%20", " ")
    assert name in html
    assert 'loading="lazy"' in html
    assert "/images/thumbnail?slide=" in html


def test_it_lists_sub_folders(owner_client: Client, slide_path: str) -> None:
    root = slide_path.split("/")[0]
    response = owner_client.get("/browse/", {"folder": root})
    assert response.status_code == 200
    for folder in engine.directories(root):
        assert f"?folder={folder}".encode() in response.content


def test_it_reports_a_missing_folder(owner_client: Client, slide_path: str) -> None:
    root = slide_path.split("/")[0]
    response = owner_client.get("/browse/", {"folder": f"{root}/no-such-folder"})
    assert response.status_code == 404
    assert b"Error 404" in response.content


def test_a_dicom_series_is_one_slide(owner_client: Client, demo_slides_dir: Path) -> None:
    name = f"dicom-{uuid.uuid4().hex[:8]}"
    folder = demo_slides_dir / "demo" / name
    folder.mkdir()
    try:
        write_series(folder, ["series-b.dcm", "series-a.dcm"])
        response = owner_client.get("/browse/", {"folder": f"demo/{name}"})
    finally:
        shutil.rmtree(folder)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/viewer/?slide=demo/{name}/series-a.dcm" in html
    assert "series-b.dcm" not in html


@pytest.mark.parametrize("folder", ["../etc", "/etc", "a//b", "a\\b"])
def test_it_refuses_bad_folder_paths(owner_client: Client, slides_dir: Path, folder: str) -> None:
    assert owner_client.get("/browse/", {"folder": folder}).status_code == 400


@pytest.mark.embedded_only
def test_it_opens_a_tile_server_session_on_demand(owner_client: Client, slides_dir: Path) -> None:
    assert TILE_SESSION_KEY not in owner_client.session
    assert owner_client.get("/browse/").status_code == 200
    session_id = owner_client.session[TILE_SESSION_KEY]
    assert ApiSession.objects.filter(session_id=session_id).exists()


@pytest.mark.embedded_only
def test_it_replaces_an_expired_tile_server_session(owner_client: Client, slides_dir: Path) -> None:
    owner_client.get("/browse/")
    old = owner_client.session[TILE_SESSION_KEY]
    ApiSession.objects.filter(session_id=old).delete()
    forget_everything_cached()  # the session check is remembered for seconds
    assert owner_client.get("/browse/").status_code == 200
    assert owner_client.session[TILE_SESSION_KEY] != old


def test_it_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/browse/", {"folder": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
