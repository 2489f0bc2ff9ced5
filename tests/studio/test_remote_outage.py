"""A remote tile server that goes down mid-session and comes back.

The studio must answer clearly while it is away (status codes and messages naming it, no
500), keep serving what it already has, lose nothing the user made, and work again on its
own once the server is back, without a new login.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sharing.models import Share
from tests import remote_users
from tests.base import PASSWORD, client_for, use_tile_server
from tests.live_server import LiveTileServer, live_tile_server_process
from tileserver import engine

pytestmark = [pytest.mark.django_db, pytest.mark.own_tile_server]


@pytest.fixture(scope="module")
def own_tile_server(
    demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveTileServer]:
    """A tile server of this module's own: the tests stop and start it."""
    with live_tile_server_process(tmp_path_factory.mktemp("outage"), demo_slides_dir) as server:
        yield server


@pytest.fixture
def remote_studio(settings: Settings, own_tile_server: LiveTileServer) -> LiveTileServer:
    use_tile_server(settings, own_tile_server)
    # A down server should be reported quickly in a test.
    settings.TILE_SERVER_CONNECT_TIMEOUT = 1.0
    return own_tile_server


@pytest.fixture
def pathologist(remote_studio: LiveTileServer, owner: AbstractUser) -> Client:
    remote_users.create(owner, PASSWORD, remote_studio)
    return client_for(owner)


def arrangement(*groups: list[str]) -> dict[str, Any]:
    """A dockview-shaped state: one row of groups, each a list of panel ids (= types)."""
    leaves = [
        {"type": "leaf", "size": 100, "data": {"id": f"g{i}", "views": v, "activeView": v[0]}}
        for i, v in enumerate(groups)
    ]
    panels = {
        view: {"id": view, "contentComponent": "panel", "title": view, "params": {"type": view}}
        for views in groups
        for view in views
    }
    root = {"type": "branch", "size": 600, "data": leaves}
    grid = {"root": root, "width": 800, "height": 600, "orientation": "HORIZONTAL"}
    return {"grid": grid, "panels": panels}


def tile_url(slide: str, z: int, x: int = 0, y: int = 0) -> str:
    fingerprint = engine.fingerprint(slide)
    return reverse("tile", args=[fingerprint, z, x, y]) + f"?slide={slide}"


def test_the_studio_reports_the_outage_and_recovers_on_its_own(
    remote_studio: LiveTileServer, pathologist: Client, owner: AbstractUser
) -> None:
    slide = engine.find_slides("", ".svs")[0]
    top = engine.slide_info(slide).max_zoom_level
    assert pathologist.get(reverse("browse")).status_code == 200
    assert pathologist.get(tile_url(slide, top)).status_code == 200
    created = pathologist.post(reverse("sharing:create"), {"kind": "slide", "slide": slide})
    assert created.status_code == 201, created.content
    share_url = json.loads(created.content)["url"]
    visitor = Client()

    remote_studio.process.stop()
    try:
        host = remote_studio.url.split("/")[2]
        named = f"the tile server at {host}"

        page = pathologist.get(reverse("browse"))
        assert page.status_code == 503
        assert named in page.content.decode()
        assert b'http-equiv="refresh"' in page.content

        # A tile seen before is still served; a new one says why it is missing.
        assert pathologist.get(tile_url(slide, top)).status_code == 200
        missing = pathologist.get(tile_url(slide, top, 1, 0))
        assert missing.status_code == 503
        assert named in missing.content.decode()

        panel = pathologist.get(
            reverse("panels:info") + f"?slide={slide}", headers={"HX-Request": "true"}
        )
        assert panel.status_code == 200  # htmx swaps only 2xx: the banner polls
        assert named in panel.content.decode()

        shared = visitor.get(share_url)
        assert shared.status_code == 503
        assert named in shared.content.decode()

        # What the user does meanwhile is kept: the cockpit and its arrangement are the
        # studio's own.
        saved = pathologist.post(
            reverse("cockpit:arrangement", args=["default"]),
            json.dumps(arrangement(["browser"], ["viewer", "info"])),
            content_type="application/json",
        )
        assert saved.status_code == 204
        assert pathologist.get(reverse("home")).status_code == 200
    finally:
        remote_studio.process.start()

    # Nothing was lost, nobody logs in again, and everything answers as before.
    assert Share.objects.filter(owner=owner).count() == 1
    assert pathologist.get(reverse("browse")).status_code == 200
    assert pathologist.get(tile_url(slide, top, 1, 0)).status_code == 200
    assert visitor.get(share_url).status_code == 200
    cockpit = pathologist.get(reverse("home"))
    assert cockpit.context["cockpit_data"]["arrangement"] == arrangement(
        ["browser"], ["viewer", "info"]
    )


def test_pooled_connections_survive_a_restart(
    remote_studio: LiveTileServer, pathologist: Client
) -> None:
    slide = engine.find_slides("", ".svs")[0]
    assert pathologist.get(reverse("browse")).status_code == 200
    remote_studio.process.stop()
    remote_studio.process.start()
    # The kept-alive connection to the old process is dead: the retry hides it.
    assert pathologist.get(reverse("viewer") + f"?slide={slide}").status_code == 200
