"""Regions are the dearest renders: each user gets a few at once, and tiles keep flowing
while they run."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import AsyncClient

from tileserver.api import images
from tileserver.models import ApiSession

# Images are read on thread pools: their threads must see the sessions the test created.
pytestmark = pytest.mark.django_db(transaction=True)


def region(client: AsyncClient, session_id: str, slide: str) -> Any:
    params = {"sessionID": session_id, "pathOrUid": slide, "x": 0, "y": 0}
    return client.get("/core/region", {**params, "width": 400, "height": 300, "scale": 0.5})


async def test_a_user_gets_a_few_regions_at_once_and_others_are_not_held_up(
    pathologist: AbstractUser,
    django_user_model: type[AbstractUser],
    demo_slide: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    real_region = images._turned_region

    def slow_region(*args: Any) -> Any:
        release.wait(timeout=30)
        return real_region(*args)

    monkeypatch.setattr(images, "_turned_region", slow_region)
    other = await django_user_model.objects.acreate_user("other", password="another-password-1")
    mine = (await ApiSession.objects.acreate(user=pathologist)).session_id
    theirs = (await ApiSession.objects.acreate(user=other)).session_id
    client = AsyncClient()

    running = [
        asyncio.create_task(region(client, mine, demo_slide))
        for _ in range(images.REGIONS_PER_USER)
    ]
    await asyncio.sleep(0.2)
    try:
        refused = await asyncio.wait_for(region(client, mine, demo_slide), timeout=10)
        assert refused.status_code == 429
        assert refused.json()["Code"] == "TooManyRequests"
        tile = await asyncio.wait_for(
            client.get(
                "/core/tile",
                {"sessionID": theirs, "pathOrUid": demo_slide, "x": 0, "y": 0, "z": 0},
            ),
            timeout=10,
        )
        assert tile.status_code == 200
        theirs_too = asyncio.create_task(region(client, theirs, demo_slide))
    finally:
        release.set()
    answers = await asyncio.gather(*running, theirs_too)
    assert [answer.status_code for answer in answers] == [200] * (images.REGIONS_PER_USER + 1)
    # The slots were given back.
    assert (await region(client, mine, demo_slide)).status_code == 200
