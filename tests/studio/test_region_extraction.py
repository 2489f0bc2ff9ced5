"""Extracting annotated regions from the studio: in the background, with progress."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import openslide
import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.base import clear_annotations
from tests.live_server import LiveTileServer

pytestmark = pytest.mark.django_db(transaction=True)

SQUARE = "POLYGON ((100 100, 612 100, 612 400, 100 400, 100 100))"


def start(client: Client, slide: str, body: dict[str, object]) -> object:
    return client.post(
        f"/annotations/regions/?slide={slide}", json.dumps(body), content_type="application/json"
    )


def finished(client: Client, status_url: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(status_url).json()
        if not state["running"]:
            return state
        assert time.monotonic() < deadline, "the extraction did not finish"
        time.sleep(0.1)


def add_square(client: Client, slide: str) -> int:
    response = client.post(
        f"/annotations/?slide={slide}",
        json.dumps({"added": [{"geometry": SQUARE, "classification": "Tumor"}]}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["ids"][0]


@pytest.fixture
def writable_slide(
    slides_dir: Path, slide_path: str, settings: Settings, tmp_path: Path
) -> tuple[Path, str]:
    shutil.copytree(slides_dir, tmp_path, dirs_exist_ok=True)
    settings.SLIDES_DIR = tmp_path
    return tmp_path, slide_path


@pytest.mark.embedded_only  # the new slide is written beside the embedded server's slides
def test_an_annotated_region_becomes_a_slide_the_studio_shows(
    owner_client: Client, writable_slide: tuple[Path, str]
) -> None:
    root, slide = writable_slide
    annotation_id = add_square(owner_client, slide)
    response = start(owner_client, slide, {"ids": [annotation_id]})
    assert response.status_code == 202
    state = finished(owner_client, response.json()["status"])
    assert state["error"] == "" and state["done"] == state["total"] > 0
    [written] = state["slides"]
    assert openslide.OpenSlide(root / written).dimensions == (512, 300)
    viewer = owner_client.get("/viewer/", {"slide": written})
    assert viewer.status_code == 200


def test_an_unknown_annotation_or_no_id_is_refused(
    owner_client: Client, slide_path: str, remote_tile_server: LiveTileServer | None
) -> None:
    clear_annotations(slide_path)
    assert start(owner_client, slide_path, {"ids": []}).status_code == 400
    assert start(owner_client, slide_path, {"ids": ["1"]}).status_code == 400
    assert start(owner_client, slide_path, {}).status_code == 400  # no annotations at all
    response = start(owner_client, slide_path, {"ids": [987654]})
    state = finished(owner_client, response.json()["status"])
    if remote_tile_server is None:
        assert state["error"] == "There is no annotation 987654 on the slide"
    else:  # a PMA.core has no such call: the job says so rather than failing silently
        assert state["error"].startswith("Region extraction is done where the slides are")


def test_someone_elses_job_is_not_found_and_strangers_are_refused(
    owner_client: Client, client: Client, slide_path: str
) -> None:
    clear_annotations(slide_path)
    annotation_id = add_square(owner_client, slide_path)
    response = start(owner_client, slide_path, {"ids": [annotation_id]})
    status_url = response.json()["status"]
    finished(owner_client, status_url)
    assert client.get(status_url).status_code == 401
    assert start(client, slide_path, {"ids": [annotation_id]}).status_code == 401
    clear_annotations(slide_path)
