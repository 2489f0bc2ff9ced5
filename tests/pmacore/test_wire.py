"""The PMA.core wire-format helpers (pmacore/wire.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pmacore.errors import BadAnswer, BadRequest
from pmacore.types import SlideFile, SlideInfo
from pmacore.wire import (
    Params,
    folder_path,
    image_info,
    normalise_endpoint,
    parse_pma_date,
    pma_date,
    slide_file,
    slide_info_from_wire,
    slide_ref,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("api/json/GetFiles", "api/json/getfiles"),
        ("/api//json///GetFiles/", "api/json/getfiles"),
        ("Region", "region"),
        ("", ""),
        ("//", ""),
    ],
)
def test_it_normalises_endpoint_names(raw: str, expected: str) -> None:
    assert normalise_endpoint(raw) == expected


def test_parameter_names_are_case_insensitive() -> None:
    params = Params.of({"SessionID": "abc", "pathOrUid": "a/b.svs"})
    assert params.text("sessionID") == "abc"
    assert params.text("PATHORUID") == "a/b.svs"


def test_the_query_string_wins_over_the_body() -> None:
    params = Params.of({"caller": "query"}, {"Caller": "body", "username": "u"})
    assert params.text("caller") == "query"
    assert params.text("username") == "u"


def test_empty_values_count_as_absent() -> None:
    params = Params.of({"gamma": "", "w": "", "channelClipping": ""})
    assert params.raw("gamma") is None
    assert params.integer("w", 0) == 0
    assert params.text("channelClipping", "default") == "default"


def test_integers_are_validated() -> None:
    params = Params.of({"x": " 12 ", "y": "abc", "z": "-1"})
    assert params.integer("x") == 12
    with pytest.raises(BadRequest, match="y must be an integer"):
        params.integer("y")
    with pytest.raises(BadRequest, match="at least 0"):
        params.integer("z", minimum=0)
    with pytest.raises(BadRequest, match="required"):
        params.integer("missing")


@pytest.mark.parametrize(("value", "expected"), [("1.5", 1.5), ("2", 2.0), (None, 1.0)])
def test_numbers_are_parsed(value: str | None, expected: float) -> None:
    params = Params.of({} if value is None else {"scale": value})
    assert params.number("scale", 1.0) == expected


@pytest.mark.parametrize("value", ["abc", "nan", "inf"])
def test_bad_numbers_are_rejected(value: str) -> None:
    with pytest.raises(BadRequest):
        Params.of({"scale": value}).number("scale", 1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("True", True), ("true", True), ("1", True), ("False", False), ("false", False), ("0", False)],
)
def test_booleans_come_in_python_and_javascript_spelling(value: str, expected: bool) -> None:
    assert Params.of({"flipVertical": value}).boolean("flipVertical") is expected


def test_a_bad_boolean_is_rejected() -> None:
    with pytest.raises(BadRequest):
        Params.of({"flipVertical": "maybe"}).boolean("flipVertical")


@pytest.mark.parametrize(
    ("value", "expected"), [("jpg", "jpg"), ("JPEG", "jpg"), ("png", "png"), (None, "jpg")]
)
def test_image_formats(value: str | None, expected: str) -> None:
    params = Params.of({} if value is None else {"format": value})
    assert params.image_format() == expected


def test_an_unknown_image_format_is_rejected() -> None:
    with pytest.raises(BadRequest, match="gif"):
        Params.of({"format": "gif"}).image_format()


@pytest.mark.parametrize("value", ["-1", "101", "high"])
def test_quality_is_0_to_100(value: str) -> None:
    with pytest.raises(BadRequest):
        Params.of({"quality": value}).quality()


def test_string_lists_come_from_json_or_csv() -> None:
    assert Params.of({"pathOrUids": ["a", "b"]}).string_list("pathoruids") == ["a", "b"]
    assert Params.of({"pathOrUids": "a,b"}).string_list("pathOrUids") == ["a", "b"]
    with pytest.raises(BadRequest):
        Params.of({"pathOrUids": [1, 2]}).string_list("pathOrUids")


def test_a_non_string_value_is_rejected_as_text() -> None:
    with pytest.raises(BadRequest):
        Params.of({"username": {"$ne": ""}}).text("username")


def test_paths_lose_the_slashes_clients_add() -> None:
    assert folder_path("/demo/sub/") == "demo/sub"
    assert folder_path("demo\\") == "demo"
    assert slide_ref("/demo/a.svs") == "demo/a.svs"


def test_dates_are_dotnet_json_dates() -> None:
    moment = datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC)
    assert pma_date(moment) == "/Date(1560851897000)/"
    assert pma_date(moment.replace(tzinfo=None)) == "/Date(1560851897000)/"
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert pma_date(plus_two) == "/Date(1560851897000)/"


def make_info(**changes: object) -> SlideInfo:
    values: dict[str, object] = {
        "path": "demo/a.svs",
        "uid": "ABCDEFGHIJ",
        "fingerprint": "fp",
        "width": 46000,
        "height": 32914,
        "tile_size": 512,
        "max_zoom_level": 7,
        "mpp_x": 0.499,
        "mpp_y": 0.5,
        "objective_power": 20.0,
        "vendor": "aperio",
        "file_format": "Aperio SVS",
        "physical_size": 177552579,
        "last_modified": datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC),
        "associated_images": ("Thumbnail", "Barcode", "Macro"),
        "metadata": (("compression", "JpegTechnote2"),),
    }
    values.update(changes)
    return SlideInfo(**values)  # type: ignore[arg-type]


def test_image_info_has_every_field_of_pma_core() -> None:
    info = image_info(make_info(), "http://testserver/core/")
    assert info == {
        "AnnotationsLayers": [],
        "AssociatedImageTypes": ["Thumbnail", "Barcode", "Macro"],
        "BackgroundColor": "ffffff",
        "BaseUrl": "http://testserver/core/",
        "DefaultGamma": 1,
        "ErrorMessage": None,
        "Filename": "demo/a.svs",
        "Height": 32914,
        "LastModified": "/Date(1560851897000)/",
        "MaxZoomLevel": 7,
        "MetaData": [
            {"Name": "compression", "Value": "JpegTechnote2"},
            {"Name": "fileformat", "Value": "Aperio SVS"},
        ],
        "MicrometresPerPixelX": 0.499,
        "MicrometresPerPixelY": 0.5,
        "PhysicalSize": 177552579,
        "TileSize": 512,
        "TimeFrames": [
            {
                "Layers": [
                    {
                        "Channels": [{"ChannelID": 0, "Color": "ffffffff", "Name": "Default"}],
                        "LayerID": 0,
                    }
                ],
                "TimeID": 0,
            }
        ],
        "UID": "ABCDEFGHIJ",
        "Width": 46000,
    }


def test_image_info_keeps_a_file_format_the_engine_gave() -> None:
    info = image_info(make_info(metadata=(("fileformat", "SVS"),)), "http://x/core/")
    assert info["MetaData"] == [{"Name": "fileformat", "Value": "SVS"}]


def test_unknown_resolution_is_zero_not_null() -> None:
    info = image_info(make_info(mpp_x=None, mpp_y=None), "http://x/core/")
    assert info["MicrometresPerPixelX"] == 0
    assert info["MicrometresPerPixelY"] == 0


def test_slide_files_have_path_size_and_date() -> None:
    file = SlideFile("demo/a.svs", 725, datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC))
    assert slide_file(file) == {
        "Path": "demo/a.svs",
        "Size": 725,
        "LastModified": "/Date(1560851897000)/",
    }


def test_image_info_reads_back_into_the_same_slide_info() -> None:
    info = make_info(
        metadata=(
            ("compression", "JPEG"),
            ("fileformat", "Aperio SVS"),
            ("vendor", "aperio"),
            ("objectivepower", "20"),
        )
    )
    wire = json.loads(json.dumps(image_info(info, "http://x/core/")))
    assert slide_info_from_wire(wire, "fp") == info


def test_unknown_resolution_reads_back_as_none() -> None:
    wire = image_info(make_info(mpp_x=None, mpp_y=None), "http://x/core/")
    info = slide_info_from_wire(wire, "fp")
    assert (info.mpp_x, info.mpp_y) == (None, None)


def test_real_pma_core_image_info_is_read() -> None:
    # GetImageInfo of CMU-1.svs from a real PMA.core 2.0 (the SDK's sample notebook).
    wire = {
        "AnnotationsLayers": [],
        "AssociatedImageTypes": ["Thumbnail", "Barcode"],
        "BackgroundColor": "ffffff",
        "BaseUrl": "https://host/PMA.core/",
        "DefaultGamma": 1,
        "ErrorMessage": None,
        "Filename": "hgx_cases/CMU-1.svs",
        "Height": 32914,
        "LastModified": "/Date(1560851897000)/",
        "MaxZoomLevel": 7,
        "MetaData": [
            {"Name": "compression", "Value": "JpegTechnote2"},
            {"Name": "fileformat", "Value": "Aperio SVS"},
        ],
        "MicrometresPerPixelX": 0.499,
        "MicrometresPerPixelY": 0.499,
        "PhysicalSize": 177552579,
        "TileSize": 512,
        "UID": "IW09NL2QMZ",
        "Width": 46000,
    }
    info = slide_info_from_wire(wire, "LPQNz3P4552cuyOL85pq6x3kp8g1")
    assert (info.path, info.uid, info.width, info.height) == (
        "hgx_cases/CMU-1.svs",
        "IW09NL2QMZ",
        46000,
        32914,
    )
    assert (info.tile_size, info.max_zoom_level, info.mpp_x) == (512, 7, 0.499)
    assert info.last_modified == datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC)
    assert info.file_format == "Aperio SVS"
    assert info.magnification == 20


@pytest.mark.parametrize("missing", ["Filename", "Width", "TileSize", "MaxZoomLevel"])
def test_image_info_without_a_needed_field_is_a_bad_answer(missing: str) -> None:
    wire = image_info(make_info(), "http://x/core/")
    del wire[missing]
    with pytest.raises(BadAnswer, match=missing):
        slide_info_from_wire(wire, "fp")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(1560851897000)/", datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC)),
        ("/Date(1560851897000+0200)/", datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC)),
        ("2019-06-18T09:58:17Z", datetime(2019, 6, 18, 9, 58, 17, tzinfo=UTC)),
    ],
)
def test_pma_dates_are_read(text: str, expected: datetime) -> None:
    assert parse_pma_date(text) == expected


def test_a_date_that_is_none_of_those_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_pma_date("yesterday")
