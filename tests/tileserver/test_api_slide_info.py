"""Slide information and identifiers through the PMA.core API."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import openslide
import pytest
from django.test import Client
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db

IMAGE_INFO_KEYS = {
    "AnnotationsLayers",
    "AssociatedImageTypes",
    "BackgroundColor",
    "BaseUrl",
    "DefaultGamma",
    "ErrorMessage",
    "Filename",
    "Height",
    "LastModified",
    "MaxZoomLevel",
    "MetaData",
    "MicrometresPerPixelX",
    "MicrometresPerPixelY",
    "PhysicalSize",
    "TileSize",
    "TimeFrames",
    "UID",
    "Width",
}


def image_info(client: Client, session_id: str, ref: str) -> dict[str, object]:
    response = client.get(
        "/core/api/json/GetImageInfo", {"SessionID": session_id, "pathOrUid": ref}
    )
    assert response.status_code == 200, response.content
    return response.json()


def call(client: Client, method: str, session_id: str, **params: str) -> object:
    response = client.get(f"/core/api/json/{method}", {"sessionID": session_id, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_image_info_has_every_pma_core_field_and_nothing_else(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    info = image_info(api_client, session_id, demo_slide)
    assert set(info) == IMAGE_INFO_KEYS
    assert "Message" not in info and "NumberOfZoomLevels" not in info and "d" not in info
    assert info["Filename"] == demo_slide
    assert info["AnnotationsLayers"] == []
    assert info["DefaultGamma"] == 1
    assert info["ErrorMessage"] is None
    assert info["BaseUrl"] == "http://testserver/core/"
    assert re.fullmatch(r"[0-9a-fA-F]{6}", str(info["BackgroundColor"]))
    assert re.fullmatch(r"/Date\(\d+\)/", str(info["LastModified"]))
    assert re.fullmatch(r"[A-Z0-9]{10}", str(info["UID"]))
    assert info["TimeFrames"] == [
        {
            "Layers": [
                {
                    "Channels": [{"ChannelID": 0, "Color": "ffffffff", "Name": "Default"}],
                    "LayerID": 0,
                }
            ],
            "TimeID": 0,
        }
    ]


def test_image_info_matches_the_slide_on_disk(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    info = image_info(api_client, session_id, demo_slide)
    real = slides_dir / demo_slide
    with openslide.OpenSlide(real) as slide:
        assert (info["Width"], info["Height"]) == slide.dimensions
        mpp_x = float(slide.properties.get(openslide.PROPERTY_NAME_MPP_X, 0))
    assert info["MicrometresPerPixelX"] == pytest.approx(mpp_x)
    assert info["PhysicalSize"] == real.stat().st_size
    modified_ms = int(str(info["LastModified"])[6:-2])
    assert abs(modified_ms - real.stat().st_mtime * 1000) < 1000
    assert set(info["AssociatedImageTypes"]) >= {"Thumbnail", "Barcode"}  # type: ignore[arg-type]


def test_max_zoom_level_puts_the_whole_slide_in_one_tile_at_z0(
    api_client: Client, session_id: str, demo_slides: list[str]
) -> None:
    for slide in demo_slides:
        info = image_info(api_client, session_id, slide)
        width, height, tile_size = int(info["Width"]), int(info["Height"]), int(info["TileSize"])
        assert info["MaxZoomLevel"] == math.ceil(math.log2(max(width, height) / tile_size))


def test_metadata_is_a_list_of_name_value_pairs(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    metadata = image_info(api_client, session_id, demo_slide)["MetaData"]
    assert isinstance(metadata, list) and metadata
    assert all(set(item) == {"Name", "Value"} for item in metadata)
    assert any(item["Name"] == "fileformat" for item in metadata)


@pytest.mark.parametrize(
    ("session_key", "path_key"),
    [("sessionID", "pathOrUid"), ("SESSIONID", "PathOrUid"), ("sessionId", "pathoruid")],
)
def test_image_info_parameters_are_case_insensitive(
    api_client: Client, session_id: str, demo_slide: str, session_key: str, path_key: str
) -> None:
    response = api_client.get(
        "/core/API/json/getimageinfo/", {session_key: session_id, path_key: demo_slide}
    )
    assert response.status_code == 200
    assert response.json()["Filename"] == demo_slide


def test_a_leading_slash_on_the_slide_path_is_ignored(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    assert image_info(api_client, session_id, "/" + demo_slide)["Filename"] == demo_slide


def test_image_info_by_uid(api_client: Client, session_id: str, demo_slide: str) -> None:
    uid = call(api_client, "GetUID", session_id, path=demo_slide)
    assert isinstance(uid, str) and re.fullmatch(r"[A-Z0-9]{10}", uid)
    info = image_info(api_client, session_id, uid)
    assert info["Filename"] == demo_slide
    assert info["UID"] == uid


def test_the_uid_is_stable(api_client: Client, session_id: str, demo_slide: str) -> None:
    first = call(api_client, "GetUID", session_id, path=demo_slide)
    assert call(api_client, "getuid", session_id, PATH=demo_slide) == first


def test_images_info_takes_a_json_body(
    api_client: Client, session_id: str, demo_slides: list[str]
) -> None:
    refs = demo_slides[:2]
    response = api_client.post(
        "/core/api/json/GetImagesInfo",
        json.dumps({"sessionID": session_id, "pathOrUids": refs}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    infos = response.json()
    assert [info["Filename"] for info in infos] == refs
    assert all(set(info) == IMAGE_INFO_KEYS for info in infos)


def test_images_info_rejects_a_non_list(api_client: Client, session_id: str) -> None:
    response = api_client.post(
        "/core/api/json/GetImagesInfo",
        json.dumps({"SessionId": session_id, "PathOrUids": {"a": 1}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["Code"] == "BadRequest"


def test_fingerprint_is_a_bare_string(api_client: Client, session_id: str, demo_slide: str) -> None:
    fingerprint = call(api_client, "GetFingerprint", session_id, pathOrUid=demo_slide)
    assert isinstance(fingerprint, str) and fingerprint
    assert "Code" not in fingerprint


def test_barcode_text_is_a_string_never_null(
    api_client: Client, session_id: str, demo_slides: list[str]
) -> None:
    for slide in demo_slides:
        assert isinstance(call(api_client, "GetBarcodeText", session_id, pathOrUid=slide), str)


def test_barcode_text_is_empty_without_a_barcode_and_the_first_of_two(
    api_client: Client, session_id: str, settings: Settings, tmp_path: Path
) -> None:
    from tests.pmacore.test_labels import label_with_codes
    from tests.tileserver.test_passthrough import write_aperio

    settings.SLIDES_DIR = tmp_path
    (tmp_path / "r").mkdir()
    write_aperio(tmp_path / "r" / "none.svs", 300, 200, label=False, barcode="")
    two = label_with_codes(("FIRST-1",), ("SECOND-2",))
    write_aperio(tmp_path / "r" / "two.svs", 300, 200, label_image=two, barcode="")
    response = api_client.get(
        "/core/api/json/GetBarcodeText", {"sessionID": session_id, "pathOrUid": "r/none.svs"}
    )
    assert response.content == b'""'
    assert call(api_client, "GetBarcodeText", session_id, pathOrUid="r/two.svs") == "FIRST-1"


def test_getfilenames_lists_the_files_of_a_slide(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    files = call(api_client, "getfilenames", session_id, pathOrUid=demo_slide)
    assert isinstance(files, list)
    assert files[0]["Path"] == demo_slide
    assert files[0]["Size"] == (slides_dir / demo_slide).stat().st_size
    assert all(set(f) == {"Path", "Size", "LastModified"} for f in files)
    assert all(re.fullmatch(r"/Date\(\d+\)/", f["LastModified"]) for f in files)


def test_get_filenames_in_java_spelling(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    assert call(api_client, "GetFilenames", session_id, pathOrUid=demo_slide)


@pytest.mark.parametrize(
    "method", ["GetImageInfo", "GetFingerprint", "GetBarcodeText", "getfilenames"]
)
def test_a_missing_slide_is_404_json(
    api_client: Client, session_id: str, demo_slide: str, method: str
) -> None:
    missing = demo_slide.rsplit("/", 1)[0] + "/no-such-slide.svs"
    response = api_client.get(
        f"/core/api/json/{method}", {"sessionID": session_id, "pathOrUid": missing}
    )
    assert response.status_code == 404
    assert response.json()["Code"] == "FileNotFound"
    assert response.json()["Message"]


def test_an_unknown_uid_is_404_json(api_client: Client, session_id: str, slides_dir: Path) -> None:
    response = api_client.get(
        "/core/api/json/GetImageInfo", {"sessionID": session_id, "pathOrUid": "ZZZZZZZZZZ"}
    )
    assert response.status_code == 404
    assert response.json()["Code"]


def test_a_missing_path_or_uid_is_400_json(api_client: Client, session_id: str) -> None:
    response = api_client.get("/core/api/json/GetImageInfo", {"sessionID": session_id})
    assert response.status_code == 400
    assert response.json() == {"Code": "BadRequest", "Message": "Parameter pathOrUid is required"}


@pytest.mark.parametrize(
    "ref",
    [
        "../secret.svs",
        "demo/../../secret.svs",
        "demo/../../../etc/passwd",
        "..\\..\\secret.svs",
        "demo/./../../secret.svs",
    ],
)
def test_path_traversal_is_refused_with_a_json_error(
    api_client: Client, session_id: str, slides_dir: Path, ref: str
) -> None:
    for method in ("GetImageInfo", "GetFingerprint", "getfilenames"):
        response = api_client.get(
            f"/core/api/json/{method}", {"sessionID": session_id, "pathOrUid": ref}
        )
        assert 400 <= response.status_code < 500, (method, response.content)
        assert response.json()["Code"]
    response = api_client.get("/core/api/json/GetUID", {"sessionID": session_id, "path": ref})
    assert 400 <= response.status_code < 500


@pytest.fixture
def lab_dir(tmp_path: Path, settings: Settings, demo_slides_dir: Path) -> Path:
    """A slides dir with copies of one demo slide, a fake slide and a link out of the tree."""
    demo = next(p for p in sorted(demo_slides_dir.rglob("*.svs")))
    root = tmp_path / "slides"
    (root / "lab" / "copies").mkdir(parents=True)
    shutil.copy2(demo, root / "lab" / "original.svs")
    shutil.copy2(demo, root / "lab" / "copies" / "copy.svs")
    (root / "lab" / "notes.svs").write_text("not a slide at all\n")
    (root / "lab" / "readme.txt").write_text("hello\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy2(demo, outside / "escaped.svs")
    (root / "lab" / "escape").symlink_to(outside, target_is_directory=True)
    (root / "lab" / "escaped.svs").symlink_to(outside / "escaped.svs")
    settings.SLIDES_DIR = root
    return root


def test_a_file_that_is_not_a_slide_is_a_4xx_json_error(
    api_client: Client, session_id: str, lab_dir: Path
) -> None:
    for ref in ("lab/notes.svs", "lab/readme.txt"):
        response = api_client.get(
            "/core/api/json/GetImageInfo", {"sessionID": session_id, "pathOrUid": ref}
        )
        assert 400 <= response.status_code < 500, response.content
        assert response.json()["Code"]
        tile = api_client.get(
            "/core/tile", {"sessionID": session_id, "pathOrUid": ref, "x": 0, "y": 0, "z": 0}
        )
        assert 400 <= tile.status_code < 500
        assert tile["Content-Type"].startswith("application/json")


def test_symlinks_out_of_the_slides_dir_are_refused(
    api_client: Client, session_id: str, lab_dir: Path
) -> None:
    for ref in ("lab/escape/escaped.svs", "lab/escaped.svs"):
        response = api_client.get(
            "/core/api/json/GetImageInfo", {"sessionID": session_id, "pathOrUid": ref}
        )
        assert 400 <= response.status_code < 500, response.content
        assert response.json()["Code"]


def test_fingerprint_follows_content_and_uid_follows_location(
    api_client: Client, session_id: str, lab_dir: Path
) -> None:
    original, copy = "lab/original.svs", "lab/copies/copy.svs"
    assert call(api_client, "GetFingerprint", session_id, pathOrUid=original) == call(
        api_client, "GetFingerprint", session_id, pathOrUid=copy
    )
    assert call(api_client, "GetUID", session_id, path=original) != call(
        api_client, "GetUID", session_id, path=copy
    )
