"""Images made to measure run in a pool of their own: however many are asked for at once,
tiles keep flowing."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractUser
from django.db import connections
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from tileserver import engine

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded_only]


async def test_tiles_keep_flowing_while_thumbnails_are_slow(
    owner: AbstractUser,
    slide_path: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.RENDER_THREADS = 2
    release = threading.Event()
    real_thumbnail = engine.thumbnail

    def slow_thumbnail(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=30)
        return real_thumbnail(*args, **kwargs)

    monkeypatch.setattr(engine, "thumbnail", slow_thumbnail)
    client = AsyncClient()
    await client.aforce_login(owner)
    fingerprint = await sync_to_async(engine.fingerprint)(slide_path)
    # The slide's facts are known before the rush (one request, as a viewer opening).
    tile = f"/tiles/{fingerprint}/0/0_0.jpg"
    assert (await client.get(tile, {"slide": slide_path})).status_code == 200
    # Many more thumbnails than render threads (and than tile threads), of distinct sizes.
    thumbnails = [
        asyncio.create_task(
            client.get("/images/thumbnail", {"slide": slide_path, "w": 100 + n, "h": 0})
        )
        for n in range(settings.TILE_THREADS + 4)
    ]
    try:
        await asyncio.sleep(0.2)
        another = await asyncio.wait_for(
            client.get(f"/tiles/{fingerprint}/1/0_0.jpg", {"slide": slide_path}), timeout=10
        )
        assert another.status_code == 200
        assert not any(task.done() for task in thumbnails), "the thumbnails were not slow"
    finally:
        release.set()
    answers = await asyncio.gather(*thumbnails)
    assert {answer.status_code for answer in answers} == {200}
    # The test client keeps Django from closing connections after requests: close the one
    # the views opened on Django's sync thread, or PostgreSQL cannot drop the test database.
    await sync_to_async(connections.close_all)()
