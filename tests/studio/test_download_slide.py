"""The studio's "Download slide" route, through the tile-server client, in both modes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.http import HttpResponseBase
from django.test import AsyncClient, Client
from pytest_django.fixtures import Settings

from tests.base import byterange_parts, client_for, make_user, use_tile_server
from tests.live_server import LiveTileServer
from tests.tileserver.transfer_fixtures import (
    DICOM,
    MRXS,
    needs_dicom,
    transfer_server,
    transfer_slides_dir,
    tree_bytes,
)

__all__ = ["transfer_server", "transfer_slides_dir"]

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/slides/download/"


async def fetch(client: Client, slide: str, **headers: str) -> tuple[HttpResponseBase, bytes]:
    """GET the route with the client's login, reading the streamed body."""
    reader = AsyncClient()
    reader.cookies = client.cookies
    response = await reader.get(URL, {"slide": slide}, headers=headers)
    if not response.streaming:
        return response, response.content
    return response, b"".join([chunk async for chunk in response.streaming_content])


async def test_a_single_file_slide_comes_as_it_is(
    owner_client: Client, slides_dir: Path, slide_path: str
) -> None:
    response, body = await fetch(owner_client, slide_path)
    data = (slides_dir / slide_path).read_bytes()
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(data))
    name = slide_path.rpartition("/")[2]
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert body == data


async def test_a_single_file_slide_comes_in_byte_ranges(
    owner_client: Client, slides_dir: Path, slide_path: str
) -> None:
    data = (slides_dir / slide_path).read_bytes()
    size = len(data)
    part, body = await fetch(owner_client, slide_path, Range="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{size}"
    assert part["Content-Length"] == "1000" and part["Accept-Ranges"] == "bytes"
    assert body == data[1000:2000]
    _, tail = await fetch(owner_client, slide_path, Range="bytes=-700")
    assert tail == data[-700:]
    start = size // 3  # several chunks to the end
    from_start, rest = await fetch(owner_client, slide_path, Range=f"bytes={start}-")
    assert from_start.status_code == 206 and rest == data[start:]
    refused, _ = await fetch(owner_client, slide_path, Range=f"bytes={size}-")
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{size}"
    whole, everything = await fetch(owner_client, slide_path, Range="lines=1-2")
    assert whole.status_code == 200 and everything == data


async def test_several_ranges_come_as_multipart_byteranges(
    owner_client: Client, slides_dir: Path, slide_path: str
) -> None:
    data = (slides_dir / slide_path).read_bytes()
    size = len(data)
    response, body = await fetch(owner_client, slide_path, Range="bytes=0-99,5000-5999,-10")
    assert response.status_code == 206
    assert response["Content-Length"] == str(len(body))
    assert byterange_parts(response["Content-Type"], body) == [
        (f"bytes 0-99/{size}", data[:100]),
        (f"bytes 5000-5999/{size}", data[5000:6000]),
        (f"bytes {size - 10}-{size - 1}/{size}", data[-10:]),
    ]


async def test_if_range_gives_the_part_only_of_the_same_version(
    owner_client: Client, slides_dir: Path, slide_path: str
) -> None:
    data = (slides_dir / slide_path).read_bytes()
    first, _ = await fetch(owner_client, slide_path)
    modified = first["Last-Modified"]
    same, part = await fetch(owner_client, slide_path, Range="bytes=5-9", **{"If-Range": modified})
    assert same.status_code == 206 and part == data[5:10]
    changed, whole = await fetch(
        owner_client, slide_path, Range="bytes=5-9", **{"If-Range": '"old-tag"'}
    )
    assert changed.status_code == 200 and whole == data


async def test_refusals(owner_client: Client, slides_dir: Path, slide_path: str) -> None:
    anonymous, _ = await fetch(Client(), slide_path)
    assert anonymous.status_code == 401
    bad, _ = await fetch(owner_client, "../etc/passwd")
    assert bad.status_code == 400
    missing, _ = await fetch(owner_client, slide_path.rpartition("/")[0] + "/missing.svs")
    assert missing.status_code == 404
    assert "missing.svs" in missing.json()["error"]


def zip_members(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(params=["embedded", "remote"])
def multi_file_client(
    request: pytest.FixtureRequest,
    settings: Settings,
    transfer_slides_dir: Path,
    fast_hashers: None,
) -> Client:
    """A logged-in client of a studio whose tile server (embedded, or a remote process of
    its own) holds multi-file slides."""
    settings.SLIDES_DIR = transfer_slides_dir
    settings.TILE_SERVER_URL = ""
    if request.param == "remote":
        server: LiveTileServer = request.getfixturevalue("transfer_server")
        use_tile_server(settings, server)
    user: AbstractUser = make_user("downloader")
    return client_for(user)


@pytest.mark.own_tile_server
async def test_a_multi_file_slide_comes_as_a_zip(
    multi_file_client: Client, transfer_slides_dir: Path
) -> None:
    response, body = await fetch(multi_file_client, MRXS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="slide.zip"'
    assert zip_members(body) == tree_bytes(transfer_slides_dir / "lab" / "mrxs")


@pytest.mark.own_tile_server
async def test_a_dicom_series_comes_as_a_zip(
    multi_file_client: Client, transfer_slides_dir: Path
) -> None:
    needs_dicom()
    response, body = await fetch(multi_file_client, DICOM)
    assert response.status_code == 200
    assert zip_members(body) == tree_bytes(transfer_slides_dir / "lab" / "dicom")
