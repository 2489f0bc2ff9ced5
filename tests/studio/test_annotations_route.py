"""The studio's annotation routes: list, add, change, delete, through the tile-server client."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from pmacore.formats import aperio
from pmacore.types import AnnotationDraft
from tests.base import client_for

pytestmark = pytest.mark.django_db(transaction=True)

SQUARE = "POLYGON ((100 100, 300 100, 300 300, 100 300, 100 100))"


def add(client: Client, slide: str, *items: dict[str, object]):
    return client.post(
        f"/annotations/?slide={slide}",
        json.dumps({"added": list(items)}),
        content_type="application/json",
    )


def listed(client: Client, slide: str) -> dict[str, object]:
    response = client.get("/annotations/", {"slide": slide})
    assert response.status_code == 200, response.content
    return response.json()


def test_it_adds_and_lists_annotations_with_measures(
    owner_client: Client, annotated_slide: str
) -> None:
    response = add(
        owner_client,
        annotated_slide,
        {"geometry": SQUARE, "classification": "TLS", "color": "#00FF00", "fillColor": "#00FF0040"},
        {"geometry": "LINESTRING (0 0, 30 40)", "classification": "Ruler"},
    )
    assert response.status_code == 201
    ids = response.json()["ids"]
    data = listed(owner_client, annotated_slide)
    assert data["slide"] == annotated_slide and data["editable"] is True
    by_id = {item["id"]: item for item in data["annotations"]}
    square, line = by_id[ids[0]], by_id[ids[1]]
    assert square["classification"] == "TLS" and square["fill_color"] == "#00FF0040"
    assert square["created_by"] == "owner"
    assert square["bounds"] == [100, 100, 300, 300]
    # The demo slides have an MPP: µm² and µm.
    assert data["unit"] == "µm"
    assert square["area"] > 0 and square["length"] > 0 and line["area"] == 0


def test_it_changes_and_deletes_an_annotation(owner_client: Client, annotated_slide: str) -> None:
    [new_id] = add(owner_client, annotated_slide, {"geometry": SQUARE}).json()["ids"]
    response = owner_client.post(
        f"/annotations/{new_id}/?slide={annotated_slide}",
        json.dumps({"classification": "Necrosis", "notes": "<b>bold</b>"}),
        content_type="application/json",
    )
    assert response.status_code == 204
    [item] = listed(owner_client, annotated_slide)["annotations"]
    assert (item["classification"], item["notes"]) == ("Necrosis", "<b>bold</b>")
    response = owner_client.post(f"/annotations/{new_id}/delete/?slide={annotated_slide}")
    assert response.status_code == 204
    assert listed(owner_client, annotated_slide)["annotations"] == []


def test_bad_geometry_is_a_400_naming_the_item(owner_client: Client, annotated_slide: str) -> None:
    response = add(owner_client, annotated_slide, {"geometry": SQUARE}, {"geometry": "POLYGON (("})
    assert response.status_code == 400
    assert "added[1]" in response.json()["error"] and "Invalid WKT" in response.json()["error"]
    assert listed(owner_client, annotated_slide)["annotations"] == []


def test_a_body_past_the_upload_limit_is_refused_not_a_500(
    owner_client: Client, annotated_slide: str, settings: Settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = add(owner_client, annotated_slide, *[{"geometry": SQUARE}] * 40)
    assert response.status_code == 413
    assert "fewer annotations" in response.json()["error"]
    assert listed(owner_client, annotated_slide)["annotations"] == []


def test_a_colleague_sees_but_cannot_change_the_owners_annotation(
    owner_client: Client, colleague: AbstractUser, annotated_slide: str
) -> None:
    [new_id] = add(owner_client, annotated_slide, {"geometry": SQUARE}).json()["ids"]
    other = client_for(colleague)
    assert len(listed(other, annotated_slide)["annotations"]) == 1
    response = other.post(f"/annotations/{new_id}/delete/?slide={annotated_slide}")
    assert response.status_code == 403
    assert "owner" in response.json()["error"]


def test_strangers_to_the_studio_are_refused(client: Client, annotated_slide: str) -> None:
    assert client.get("/annotations/", {"slide": annotated_slide}).status_code == 401
    assert add(client, annotated_slide, {"geometry": SQUARE}).status_code == 401


def test_bad_queries_and_methods(owner_client: Client, annotated_slide: str) -> None:
    assert owner_client.get("/annotations/", {"slide": "../etc"}).status_code == 400
    assert owner_client.get("/annotations/1/", {"slide": annotated_slide}).status_code == 405
    response = owner_client.post(
        f"/annotations/?slide={annotated_slide}", "[1]", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.embedded_only  # the scanner's file lies beside the slide of the embedded server
def test_the_scanners_own_annotations_are_listed_read_only(
    owner_client: Client, slides_dir: Path, slide_path: str, settings: Settings, tmp_path: Path
) -> None:
    shutil.copytree(slides_dir, tmp_path, dirs_exist_ok=True)
    settings.SLIDES_DIR = tmp_path
    draft = AnnotationDraft("POLYGON ((10 10, 60 10, 60 60, 10 60, 10 10))", "Necrosis")
    xml = (tmp_path / slide_path).with_suffix(".xml")
    xml.write_text(aperio.write([draft]), encoding="utf-8")
    add(owner_client, slide_path, {"geometry": SQUARE, "classification": "Tumor"})
    found = listed(owner_client, slide_path)["annotations"]
    assert [(item["classification"], item["read_only"]) for item in found] == [
        ("Tumor", False),
        ("Necrosis", True),
    ]
    assert found[1]["area"] > 0
    response = owner_client.post(f"/annotations/{found[1]['id']}/delete/?slide={slide_path}")
    assert response.status_code in (403, 404)
    assert len(listed(owner_client, slide_path)["annotations"]) == 2
