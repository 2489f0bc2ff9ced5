"""Browsing through the PMA.core API: roots, folders, slides, search by file name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def get(client: Client, method: str, session_id: str, **params: str) -> object:
    """Call `api/json/<method>`, or another endpoint given with its folder."""
    endpoint = method if "/" in method else f"api/json/{method}"
    response = client.get(f"/core/{endpoint}", {"sessionID": session_id, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def folders_on_disk(folder: Path, prefix: str) -> list[str]:
    return sorted(
        f"{prefix}{child.name}"
        for child in folder.iterdir()
        if child.is_dir() and not child.name.startswith(".")
    )


def test_root_directories_are_the_top_level_folders(
    api_client: Client, session_id: str, slides_dir: Path
) -> None:
    roots = get(api_client, "GetRootDirectories", session_id)
    assert isinstance(roots, list) and roots
    assert sorted(roots) == folders_on_disk(slides_dir, "")


def test_get_directories_with_an_empty_path_gives_the_roots(
    api_client: Client, session_id: str, slides_dir: Path
) -> None:
    roots = get(api_client, "GetRootDirectories", session_id)
    assert get(api_client, "GetDirectories", session_id, path="") == roots
    assert get(api_client, "GetDirectories", session_id) == roots


def test_get_directories_lists_full_virtual_paths(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    root = demo_slide.split("/")[0]
    folders = get(api_client, "GetDirectories", session_id, path=root)
    assert isinstance(folders, list)
    assert sorted(folders) == folders_on_disk(slides_dir / root, f"{root}/")


def test_get_files_lists_the_slides_of_a_folder_as_full_paths(
    api_client: Client, session_id: str, demo_slides: list[str], demo_slide: str
) -> None:
    folder = demo_slide.rsplit("/", 1)[0]
    expected = sorted(s for s in demo_slides if s.rsplit("/", 1)[0] == folder)
    assert sorted(get(api_client, "GetFiles", session_id, path=folder)) == expected


@pytest.mark.parametrize("decorate", ["/{}", "{}/", "{}\\", "/{}/"])
def test_get_files_tolerates_slashes_around_the_path(
    api_client: Client, session_id: str, demo_slide: str, decorate: str
) -> None:
    folder = demo_slide.rsplit("/", 1)[0]
    plain = get(api_client, "GetFiles", session_id, path=folder)
    assert get(api_client, "GetFiles", session_id, path=decorate.format(folder)) == plain


def test_get_files_of_a_missing_folder_is_empty(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    root = demo_slide.split("/")[0]
    assert get(api_client, "GetFiles", session_id, path=f"{root}/no-such-folder") == []


def test_browsing_by_lower_case_names_and_double_slashes(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    folder = demo_slide.rsplit("/", 1)[0]
    response = api_client.get(
        "/core//api/json//getfiles/", {"SessionId": session_id, "PATH": folder}
    )
    assert response.status_code == 200
    assert demo_slide in response.json()


def test_filename_search_is_recursive_and_matches_substrings(
    api_client: Client, session_id: str, demo_slides: list[str]
) -> None:
    root = demo_slides[0].split("/")[0]
    below_root = [s for s in demo_slides if s.startswith(f"{root}/")]
    found = get(api_client, "query/json/Filename", session_id, path=root, pattern="")
    assert isinstance(found, list)
    assert sorted(found) == below_root


def test_filename_search_by_extension_and_folder_name(
    api_client: Client, session_id: str, demo_slides: list[str]
) -> None:
    root = demo_slides[0].split("/")[0]
    response = api_client.get(
        "/core/query/json/Filename", {"sessionID": session_id, "path": root, "pattern": ".SVS"}
    )
    assert response.status_code == 200
    assert sorted(response.json()) == sorted(
        s for s in demo_slides if s.startswith(f"{root}/") and ".svs" in s.lower()
    )
    deep = max(demo_slides, key=lambda s: s.count("/"))
    folder_name = deep.split("/")[-2]
    response = api_client.get(
        "/core/query/json/Filename",
        {"sessionID": session_id, "path": root, "pattern": folder_name},
    )
    assert deep in response.json()


@pytest.mark.parametrize("path", ["..", "../..", "demo/../../..", "..\\..", "/etc"])
def test_folders_outside_the_slides_dir_are_refused(
    api_client: Client, session_id: str, slides_dir: Path, path: str
) -> None:
    response = api_client.get(
        "/core/api/json/GetDirectories", {"sessionID": session_id, "path": path}
    )
    assert 400 <= response.status_code < 500
    assert response.json()["Code"]


def test_a_missing_folder_is_a_404_for_get_directories(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    root = demo_slide.split("/")[0]
    response = api_client.get(
        "/core/api/json/GetDirectories", {"sessionID": session_id, "path": f"{root}/nope"}
    )
    assert response.status_code == 404
    assert response.json()["Code"] == "DirectoryNotFound"
