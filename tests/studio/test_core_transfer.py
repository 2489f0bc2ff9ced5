"""pma_python's transfer calls at the studio's own `/core/`: answered by the embedded tile
server, or passed on to a remote one as streams (bodies past Django's form-size limit,
Range and Content-Length on the way back)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from tests.base import PASSWORD, make_user
from tests.tileserver.transfer_fixtures import (
    SVS,
    transfer_mode,
    transfer_server,
    transfer_slides_dir,
)

__all__ = ["transfer_mode", "transfer_server", "transfer_slides_dir"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.own_tile_server]


async def body_of(response: object) -> bytes:
    if not getattr(response, "streaming", False):
        return response.content  # type: ignore[attr-defined,no-any-return]
    return b"".join([chunk async for chunk in response.streaming_content])  # type: ignore[attr-defined]


async def test_upload_and_download_through_the_studios_core(
    transfer_mode: str, transfer_slides_dir: Path, settings: Settings
) -> None:
    # A file part far beyond the form-field limit must still pass.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    await sync_to_async(make_user)(f"gateway-{transfer_mode}", is_superuser=True)
    client = AsyncClient()
    login = await client.post(
        "/core/api/json/authenticate",
        json.dumps({"username": f"gateway-{transfer_mode}", "password": PASSWORD}),
        content_type="application/json",
    )
    session = json.loads(await body_of(login))["SessionId"]
    data = (transfer_slides_dir / SVS).read_bytes()
    assert len(data) > 10 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    folder = f"lab/core-{transfer_mode}"

    header = await client.post(
        f"/core/transfer/Upload?sessionId={session}",
        json.dumps({"path": folder, "files": [{"path": "up.svs", "length": len(data)}]}),
        content_type="application/json",
    )
    upload_id = json.loads(await body_of(header))["Id"]
    with (transfer_slides_dir / SVS).open("rb") as source:
        part = await client.post(
            f"/core/transfer/Upload/{upload_id}?sessionId={session}&path=up.svs",
            {"file": source},
        )
    answer = await body_of(part)
    assert part.status_code == 200, answer
    done = await client.get(f"/core/transfer/Upload/{upload_id}?sessionId={session}")
    assert json.loads(await body_of(done))["Path"] == f"{folder}/up.svs"

    params = {"sessionId": session, "image": f"{folder}/up.svs", "path": "up.svs"}
    whole = await client.get("/core/transfer/Download/", params)
    assert whole.status_code == 200
    assert whole["Content-Length"] == str(len(data))
    assert await body_of(whole) == data
    part_of = await client.get("/core/transfer/Download/", params, headers={"Range": "bytes=10-19"})
    assert part_of.status_code == 206
    assert part_of["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert await body_of(part_of) == data[10:20]
