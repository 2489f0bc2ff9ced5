"""Image endpoints of the PMA.core API: tile, thumbnail, barcode, macro, region."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import openslide
import pytest
from django.test import Client
from PIL import Image

# Images are read on a thread pool: its threads must see the session the test created.
pytestmark = pytest.mark.django_db(transaction=True)


def slide_info(client: Client, session_id: str, slide: str) -> dict[str, int]:
    response = client.get(
        "/core/api/json/GetImageInfo", {"SessionID": session_id, "pathOrUid": slide}
    )
    assert response.status_code == 200, response.content
    return response.json()


def fetch(client: Client, endpoint: str, session_id: str, slide: str, **params: object) -> object:
    return client.get(f"/core/{endpoint}", {"sessionID": session_id, "pathOrUid": slide, **params})


def image_of(response: object, content_type: str = "image/jpeg") -> Image.Image:
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == content_type  # type: ignore[index]
    image = Image.open(io.BytesIO(response.content))  # type: ignore[attr-defined]
    image.load()
    return image


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def assert_looks_alike(actual: Image.Image, expected: Image.Image, tolerance: float = 12) -> None:
    """Same size and colours within JPEG noise: catches swapped channels and wrong tiles."""
    assert actual.size == expected.size
    difference = np.abs(pixels(actual) - pixels(expected)).mean()
    assert difference < tolerance, f"mean difference {difference:.1f}"


def test_tile_at_z0_is_one_jpeg_holding_the_whole_slide(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    info = slide_info(api_client, session_id, demo_slide)
    size, top = info["TileSize"], info["MaxZoomLevel"]
    tile = image_of(fetch(api_client, "tile", session_id, demo_slide, x=0, y=0, z=0))
    assert tile.size == (size, size)
    assert tile.format == "JPEG"
    shown = (math.ceil(info["Width"] / 2**top), math.ceil(info["Height"] / 2**top))
    assert max(shown) <= size
    with openslide.OpenSlide(slides_dir / demo_slide) as slide:
        whole = slide.get_thumbnail(shown).convert("RGB").resize(shown)
    assert_looks_alike(tile.crop((0, 0, *shown)), whole, tolerance=20)


def test_tile_at_max_zoom_is_native_resolution_with_true_colours(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    info = slide_info(api_client, session_id, demo_slide)
    size, top = info["TileSize"], info["MaxZoomLevel"]
    x, y = info["Width"] // size // 2, info["Height"] // size // 2
    tile = image_of(fetch(api_client, "tile", session_id, demo_slide, x=x, y=y, z=top))
    with openslide.OpenSlide(slides_dir / demo_slide) as slide:
        expected = slide.read_region((x * size, y * size), 0, (size, size)).convert("RGB")
    assert_looks_alike(tile, expected)


def test_a_tile_outside_the_slide_is_a_blank_jpeg(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    info = slide_info(api_client, session_id, demo_slide)
    tile = image_of(fetch(api_client, "tile", session_id, demo_slide, x=3, y=3, z=0))
    assert tile.size == (info["TileSize"], info["TileSize"])
    values = pixels(tile)
    assert values.max() - values.min() <= 8


def test_tile_takes_the_parameters_the_python_sdk_sends(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    response = fetch(
        api_client,
        "tile",
        session_id,
        demo_slide,
        channels=0,
        timeframe=0,
        layer=0,
        x=0,
        y=0,
        z=1,
        format="jpg",
        quality=100,
        cache="true",
    )
    image_of(response)


def test_tile_takes_the_parameters_pma_ui_sends(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    for clipping, gamma in (("", ""), ("0,100", "1.0")):
        response = api_client.get(
            "/core/Tile",
            {
                "SessionID": session_id,
                "channels": "0",
                "channelClipping": clipping,
                "gamma": gamma,
                "timeframe": "0",
                "layer": "0",
                "PathOrUid": demo_slide,
                "x": "0",
                "y": "0",
                "z": "0",
            },
        )
        image_of(response)


def test_tile_as_png(api_client: Client, session_id: str, demo_slide: str) -> None:
    response = fetch(api_client, "tile", session_id, demo_slide, x=0, y=0, z=0, format="PNG")
    assert image_of(response, "image/png").format == "PNG"


@pytest.mark.parametrize("fmt", ["jpg", "jpeg", "JPG"])
def test_tile_format_spellings(
    api_client: Client, session_id: str, demo_slide: str, fmt: str
) -> None:
    image_of(fetch(api_client, "tile", session_id, demo_slide, x=0, y=0, z=0, format=fmt))


def test_tile_by_uid_and_through_a_double_slash(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    uid = slide_info(api_client, session_id, demo_slide)["UID"]
    response = api_client.get(
        "/core//tile/", {"sessionId": session_id, "pathOrUid": uid, "x": 0, "y": 0, "z": 0}
    )
    image_of(response)


def test_tiles_are_cacheable_with_an_etag(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    response = fetch(api_client, "tile", session_id, demo_slide, x=0, y=0, z=0)
    assert response["Cache-Control"].startswith("private, max-age=")
    assert int(response["Cache-Control"].rsplit("=", 1)[1]) > 0
    etag = response["ETag"]
    assert etag.startswith('"')
    again = api_client.get(
        "/core/tile",
        {"sessionID": session_id, "pathOrUid": demo_slide, "x": 0, "y": 0, "z": 0},
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert fetch(api_client, "tile", session_id, demo_slide, x=0, y=0, z=0)["ETag"] == etag


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"x": "abc", "y": 0, "z": 0}, "x"),
        ({"x": 0, "y": "1.5", "z": 0}, "y"),
        ({"x": 0, "y": 0, "z": "-1"}, "z"),
        ({"x": -1, "y": 0, "z": 0}, "x"),
        ({"x": 0, "y": 0, "z": 0, "format": "gif"}, "gif"),
        ({"x": 0, "y": 0, "z": 0, "quality": "500"}, "quality"),
        ({"x": 0, "y": 0, "z": 0, "quality": "best"}, "quality"),
    ],
)
def test_bad_tile_parameters_are_400_json(
    api_client: Client, session_id: str, demo_slide: str, params: dict[str, object], word: str
) -> None:
    response = fetch(api_client, "tile", session_id, demo_slide, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["Code"] == "BadRequest"
    assert word in body["Message"]


def test_a_tile_of_a_missing_slide_is_404_json(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    missing = demo_slide.rsplit("/", 1)[0] + "/missing.svs"
    response = fetch(api_client, "tile", session_id, missing, x=0, y=0, z=0)
    assert response.status_code == 404
    assert response.json()["Code"] == "FileNotFound"


@pytest.mark.parametrize("ref", ["../x.svs", "demo/../../x.svs", "..%2F..%2Fx.svs"])
def test_image_endpoints_refuse_path_traversal_with_json(
    api_client: Client, session_id: str, slides_dir: Path, ref: str
) -> None:
    for endpoint in ("tile", "thumbnail", "barcode", "macro"):
        response = fetch(api_client, endpoint, session_id, ref, x=0, y=0, z=0)
        assert 400 <= response.status_code < 500, (endpoint, response.content)
        assert response.json()["Code"]


def test_thumbnail_by_default(api_client: Client, session_id: str, demo_slide: str) -> None:
    response = api_client.get("/core/thumbnail", {"SessionID": session_id, "pathOrUid": demo_slide})
    thumbnail = image_of(response)
    assert thumbnail.width > 0 and thumbnail.height > 0
    assert response["Cache-Control"].startswith("private, max-age=")


def test_thumbnail_with_zero_width_and_height_is_the_default(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    default = image_of(fetch(api_client, "thumbnail", session_id, demo_slide))
    zero = image_of(fetch(api_client, "thumbnail", session_id, demo_slide, w=0, h=0))
    empty = image_of(fetch(api_client, "thumbnail", session_id, demo_slide, w="", h=""))
    assert default.size == zero.size == empty.size


def test_thumbnail_fits_the_requested_box(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    info = slide_info(api_client, session_id, demo_slide)
    aspect = info["Width"] / info["Height"]
    by_width = image_of(fetch(api_client, "thumbnail", session_id, demo_slide, w=200))
    assert by_width.width == 200
    assert by_width.height == pytest.approx(200 / aspect, abs=2)
    by_height = image_of(fetch(api_client, "thumbnail", session_id, demo_slide, h=150))
    assert by_height.height == 150
    boxed = image_of(fetch(api_client, "thumbnail", session_id, demo_slide, w=120, h=120))
    assert max(boxed.size) == 120


@pytest.mark.parametrize("endpoint", ["barcode", "macro"])
def test_associated_images(
    api_client: Client, session_id: str, demo_slide: str, endpoint: str
) -> None:
    response = api_client.get(
        f"/core/{endpoint}", {"SessionID": session_id, "pathOrUid": demo_slide}
    )
    image = image_of(response)
    assert image.width > 0 and image.height > 0
    small = image_of(fetch(api_client, endpoint, session_id, demo_slide, w=100))
    assert small.width == 100


@pytest.mark.parametrize("params", [{"w": "-5"}, {"h": "wide"}, {"w": "100000"}])
def test_bad_thumbnail_sizes_are_400_json(
    api_client: Client, session_id: str, demo_slide: str, params: dict[str, str]
) -> None:
    response = fetch(api_client, "thumbnail", session_id, demo_slide, **params)
    assert response.status_code == 400
    assert response.json()["Code"] == "BadRequest"


def sdk_region_params(**changes: object) -> dict[str, object]:
    """What pma_python's get_region sends (requests drops the None values)."""
    params: dict[str, object] = {
        "channels": 0,
        "timeframe": 0,
        "layer": 0,
        "x": 0,
        "y": 0,
        "width": 1000,
        "height": 600,
        "scale": 0.5,
        "format": "jpg",
        "quality": 100,
        "rotation": 0.0,
        "dpi": 300,
        "flipVertical": False,
        "flipHorizontal": False,
        "drawFilename": 0,
        "downloadInsteadOfDisplay": False,
        "drawScaleBar": False,
        "gamma": "",
        "channelClipping": "",
    }
    params.update(changes)
    return params


def test_region_is_width_and_height_times_scale(
    api_client: Client, session_id: str, slides_dir: Path, demo_slide: str
) -> None:
    response = fetch(api_client, "region", session_id, demo_slide, **sdk_region_params())
    region = image_of(response)
    assert region.size == (500, 300)
    assert "Content-Disposition" not in response
    with openslide.OpenSlide(slides_dir / demo_slide) as slide:
        expected = slide.read_region((0, 0), 0, (1000, 600)).convert("RGB").resize((500, 300))
    assert_looks_alike(region, expected, tolerance=20)


def test_region_takes_javascript_booleans_and_png(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    params = sdk_region_params(
        flipVertical="false", downloadInsteadOfDisplay="true", format="png", scale=1
    )
    response = fetch(api_client, "region", session_id, demo_slide, **params)
    region = image_of(response, "image/png")
    assert region.size == (1000, 600)
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "changes",
    [
        {"width": 0},
        {"height": "tall"},
        {"scale": "abc"},
        {"scale": 0},
        {"flipVertical": "perhaps"},
        {"width": 100000, "height": 100000, "scale": 1},
    ],
)
def test_bad_region_parameters_are_400_json(
    api_client: Client, session_id: str, demo_slide: str, changes: dict[str, object]
) -> None:
    response = fetch(api_client, "region", session_id, demo_slide, **sdk_region_params(**changes))
    assert response.status_code == 400
    assert response.json()["Code"] == "BadRequest"


def test_region_flips_and_rotates(api_client: Client, session_id: str, demo_slide: str) -> None:
    plain = image_of(fetch(api_client, "region", session_id, demo_slide, **sdk_region_params()))
    mirrored = image_of(
        fetch(
            api_client,
            "region",
            session_id,
            demo_slide,
            **sdk_region_params(flipHorizontal=True, flipVertical="true"),
        )
    )
    assert_looks_alike(mirrored, plain.transpose(Image.Transpose.ROTATE_180))
    turned = image_of(
        fetch(api_client, "region", session_id, demo_slide, **sdk_region_params(rotation=90.0))
    )
    assert turned.size == (300, 500)
    assert_looks_alike(turned, plain.transpose(Image.Transpose.ROTATE_270))
