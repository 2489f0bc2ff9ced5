"""The real pma_python SDK against a live tile server (a second process of this project)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pytest
import requests
from PIL import Image
from pma_python import core, pma

from tests.live_server import LiveTileServer


def forget_session(session_id: str) -> None:
    """pma_python keeps per-session caches at module level: drop this session's."""
    for cache in (
        core._pma_sessions,
        core._pma_slideinfos,
        core._pma_usernames,
        core._pma_amount_of_data_downloaded,
    ):
        cache.pop(session_id, None)
    pma._pma_clear_url_cache()


@pytest.fixture
def sdk_session(live_tile_server: LiveTileServer) -> Iterator[str]:
    session_id = core.connect(
        live_tile_server.url, live_tile_server.username, live_tile_server.password
    )
    assert isinstance(session_id, str) and session_id
    yield session_id
    forget_session(session_id)


@pytest.fixture
def sdk_slide(sdk_session: str) -> str:
    folder = core.get_first_non_empty_directory(sessionID=sdk_session)
    assert folder
    slides = core.get_slides(folder, sessionID=sdk_session)
    assert slides
    return str(slides[0])


def test_version_probes(live_tile_server: LiveTileServer) -> None:
    version = core.get_version_info(live_tile_server.url)
    assert re.fullmatch(r"3(\.\d+)+", version)
    assert version.count(".") == 3  # GetBuildRevision's string is appended to "3.x.y"
    assert core.get_api_version(live_tile_server.url) == [3, 0, 1]
    assert core.get_api_verion_string(live_tile_server.url) == "3.0.1"
    assert core.is_lite(live_tile_server.url) is False


def test_connect_with_wrong_credentials_gives_none(live_tile_server: LiveTileServer) -> None:
    assert core.connect(live_tile_server.url, live_tile_server.username, "wrong") is None


def test_connect_twice_gives_the_same_session(
    live_tile_server: LiveTileServer, sdk_session: str
) -> None:
    again = core.connect(live_tile_server.url, live_tile_server.username, live_tile_server.password)
    assert again == sdk_session


def test_browsing(sdk_session: str) -> None:
    roots = core.get_root_directories(sdk_session)
    assert roots and all(isinstance(root, str) and "/" not in root for root in roots)
    folders = core.get_directories(roots[0], sdk_session, recursive=True)
    assert folders and all(folder.startswith(roots[0] + "/") for folder in folders)
    slides = core.get_slides(roots[0], sdk_session, recursive=True)
    assert slides and all(slide.startswith(roots[0] + "/") for slide in slides)
    assert sorted(core.search_slides(roots[0], "", sdk_session)) == sorted(slides)


def test_slide_info(sdk_session: str, sdk_slide: str) -> None:
    info = core.get_slide_info(sdk_slide, sdk_session)
    assert info["Filename"] == sdk_slide
    width, height = core.get_pixel_dimensions(sdk_slide, sdk_session)
    tile_size = info["TileSize"]
    top = core.get_max_zoomlevel(sdk_slide, sdk_session)
    assert top == math.ceil(math.log2(max(width, height) / tile_size))
    assert core.get_number_of_channels(sdk_slide, sdk_session) == 1
    assert core.get_number_of_layers(sdk_slide, sdk_session) == 1
    assert not core.is_fluorescent(sdk_slide, sdk_session)
    assert core.get_last_modified_date(sdk_slide, sdk_session).year >= 2000
    mpp_x, mpp_y = core.get_pixels_per_micrometer(sdk_slide, sdk_session)
    assert mpp_x >= 0 and mpp_y >= 0


@pytest.mark.parametrize("level", ["lowest", "highest"])
def test_tiles(sdk_session: str, sdk_slide: str, level: str) -> None:
    info = core.get_slide_info(sdk_slide, sdk_session)
    z = 0 if level == "lowest" else core.get_max_zoomlevel(sdk_slide, sdk_session)
    tile = core.get_tile(sdk_slide, x=0, y=0, zoomlevel=z, sessionID=sdk_session)
    assert isinstance(tile, Image.Image)
    assert tile.format == "JPEG"
    assert tile.size == (info["TileSize"], info["TileSize"])


def test_tile_as_png(sdk_session: str, sdk_slide: str) -> None:
    tile = core.get_tile(sdk_slide, 0, 0, 0, sessionID=sdk_session, format="png")
    assert tile.format == "PNG"


def test_region(sdk_session: str, sdk_slide: str) -> None:
    region = core.get_region(sdk_slide, 0, 0, 400, 200, scale=0.5, sessionID=sdk_session)
    assert region.size == (200, 100)


def test_associated_images(sdk_session: str, sdk_slide: str) -> None:
    thumbnail = core.get_thumbnail_image(sdk_slide, sessionID=sdk_session)
    assert thumbnail.width > 0
    assert core.get_thumbnail_image(sdk_slide, width=120, sessionID=sdk_session).width == 120
    assert core.get_barcode_image(sdk_slide, sessionID=sdk_session).width > 0
    assert core.get_macro_image(sdk_slide, sessionID=sdk_session).width > 0


def test_identifiers(sdk_session: str, sdk_slide: str) -> None:
    uid = core.get_uid(sdk_slide, sdk_session)
    assert re.fullmatch(r"[A-Z0-9]{10}", uid)
    assert core.get_slide_info(uid, sdk_session)["Filename"] == sdk_slide
    fingerprint = core.get_fingerprint(sdk_slide, sdk_session)
    assert isinstance(fingerprint, str) and fingerprint
    assert isinstance(core.get_barcode_text(sdk_slide, sdk_session), str)
    files = core.get_files_for_slide(sdk_slide, sdk_session)
    assert sdk_slide in files
    assert files[sdk_slide]["Size"] == core.get_slide_info(sdk_slide, sdk_session)["PhysicalSize"]


def test_an_admin_turns_a_uid_back_into_its_path(sdk_session: str, sdk_slide: str) -> None:
    from pma_python import core_admin

    uid = core.get_uid(sdk_slide, sdk_session)
    assert core_admin.reverse_uid(sdk_session, uid) == sdk_slide
    with pytest.raises(Exception, match="no slide with UID"):
        core_admin.reverse_uid(sdk_session, "ZZZZZZZZZ9")


def test_errors_reach_the_sdk_as_exceptions(sdk_session: str, sdk_slide: str) -> None:
    missing = sdk_slide.rsplit("/", 1)[0] + "/no-such-slide.svs"
    with pytest.raises(Exception, match="ImageInfo"):
        core.get_slide_info(missing, sdk_session)
    with pytest.raises(Exception, match="get_fingerprint"):
        core.get_fingerprint(missing, sdk_session)


def test_disconnect_ends_the_session(live_tile_server: LiveTileServer) -> None:
    session_id = core.connect(
        live_tile_server.url, live_tile_server.username, live_tile_server.password
    )
    assert core.disconnect(session_id) is True
    core.register_session_id(session_id, live_tile_server.url)
    try:
        with pytest.raises(Exception, match="get_root_directories failed"):
            core.get_root_directories(session_id)
    finally:
        forget_session(session_id)
    fresh = core.connect(live_tile_server.url, live_tile_server.username, live_tile_server.password)
    assert fresh and fresh != session_id
    forget_session(fresh)


def test_the_live_server_tolerates_double_slashes_and_any_case(
    live_tile_server: LiveTileServer, sdk_session: str, sdk_slide: str
) -> None:
    # pma_php builds "<base>/Region?SessionID=...": a double slash and a capital R.
    response = requests.get(
        live_tile_server.url + "/Region",
        params={"SessionID": sdk_session, "PathOrUid": sdk_slide, "width": 64, "height": 32},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    response = requests.post(
        live_tile_server.url + "api/json/Authenticate/",
        json={"Username": live_tile_server.username, "Password": live_tile_server.password},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 200
    assert response.json()["SessionId"] == sdk_session


@pytest.fixture
def sdk_clean_slide(sdk_session: str, sdk_slide: str) -> Iterator[str]:
    """The slide, without annotations before and after (the live server outlives a test)."""
    core.clear_all_annotations(sdk_slide, sdk_session)
    yield sdk_slide
    core.clear_all_annotations(sdk_slide, sdk_session)


def test_annotations_round_trip_through_the_sdk(sdk_session: str, sdk_clean_slide: str) -> None:
    slide = sdk_clean_slide
    added = core.add_annotation(
        slide, "Tumor", "note", "POLYGON ((0 0, 10 0, 10 10, 0 0))", "#FF0000", 3, sdk_session
    )
    assert added["Code"] == "Success" and isinstance(added["annotation_id"], int)
    anns = [
        {**core.dummy_annotation(), "geometry": "POINT (5 5)", "color": "#00FF00"},
        "LINESTRING (0 0, 5 5)",
    ]
    many = core.add_annotations(slide, "Stroma", "", anns, layerID=4, sessionID=sdk_session)
    assert many["Code"] == "Success" and len(many["annotation_id"]) == 2
    found = core.get_annotations(slide, sdk_session)
    by_id = {item["AnnotationID"]: item for item in found}
    assert by_id[added["annotation_id"]]["Classification"] == "Tumor"
    assert by_id[added["annotation_id"]]["LayerID"] == 3
    first, second = many["annotation_id"]
    assert by_id[first]["Geometry"] == "POINT (5 5)"
    assert by_id[first]["Color"] == "#00FF00"
    assert by_id[second]["Color"] == "#3333FF"  # the SDK's own default for a bare WKT
    assert core.clear_annotations(slide, 4, sdk_session) is True
    assert {item["LayerID"] for item in core.get_annotations(slide, sdk_session)} == {3}
    assert core.clear_all_annotations(slide, sdk_session) is True
    assert core.get_annotations(slide, sdk_session) == []


def test_the_sdk_reads_a_bad_geometry_as_an_error(sdk_session: str, sdk_clean_slide: str) -> None:
    reply = core.add_annotation(
        sdk_clean_slide, "Tumor", "", "POLYGON ((0 0", sessionID=sdk_session
    )
    assert reply["Code"] == "BadRequest" and "Invalid WKT" in reply["Message"]
    assert core.get_annotations(sdk_clean_slide, sdk_session) == []
