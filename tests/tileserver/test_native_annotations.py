"""Annotations the scanner's software saved beside a slide: a read-only layer of its own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from pmacore.formats import aperio
from pmacore.types import AnnotationDraft
from tests.tileserver.test_api_annotations import add, annotations_of, get, post
from tileserver import engine
from tileserver.native_annotations import AUTHOR, NATIVE_LAYER

pytestmark = pytest.mark.django_db

SLIDE = "scans/CASE-9.svs"
TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "annotations"
IMAGESCOPE = TESTDATA / "aperio-imagescope-xml" / "imagescope-convert_XMLunittest.xml"
DRAFTS = [
    AnnotationDraft("POLYGON ((10 10, 110 10, 110 60, 10 60, 10 10))", "Tumor", "edge"),
    AnnotationDraft("LINESTRING (0 0, 30 40)", "Ruler"),
]


@pytest.fixture
def scanned(settings: Settings, demo_slides_dir: Path, tmp_path: Path) -> Path:
    """One demo slide as `scans/CASE-9.svs`, with an Aperio XML file beside it."""
    source = next(demo_slides_dir.rglob("*.svs"))
    (tmp_path / "scans").mkdir()
    shutil.copyfile(source, tmp_path / SLIDE)
    (tmp_path / "scans" / "CASE-9.xml").write_text(aperio.write(DRAFTS), encoding="utf-8")
    settings.SLIDES_DIR = tmp_path
    return tmp_path / "scans" / "CASE-9.xml"


def test_the_file_beside_the_slide_is_listed_after_its_own_annotations(
    api_client: Client, session_id: str, scanned: Path
) -> None:
    _, own = add(api_client, session_id, SLIDE)
    found = annotations_of(api_client, session_id, SLIDE)
    assert [item["AnnotationID"] for item in found] == [own, -1, -2]
    native = found[1:]
    assert [item["Classification"] for item in native] == ["Tumor", "Ruler"]
    assert {item["LayerID"] for item in native} == {NATIVE_LAYER}
    assert {item["AuditCreatedBy"] for item in native} == {AUTHOR}
    assert native[0]["Geometry"].startswith("POLYGON ((10 10")
    assert native[0]["Notes"] == "edge"


def test_they_are_measured_like_the_others(
    api_client: Client, session_id: str, scanned: Path
) -> None:
    info = engine.slide_info(SLIDE)
    ref = {"sessionID": session_id, "pathOrUid": SLIDE}
    status, area = get(api_client, "GetAnnotationSurfaceArea", **ref, annotationID=-1)
    assert status == 200 and area == pytest.approx(100 * 50 * info.mpp_x * info.mpp_y)
    status, length = get(api_client, "GetAnnotationDistance", **ref, annotationID=-2)
    assert status == 200 and length == pytest.approx(50 * info.mpp_x)


def test_they_are_read_only(api_client: Client, session_id: str, scanned: Path) -> None:
    ref = {"sessionID": session_id, "pathOrUid": SLIDE, "annotationID": -1}
    status, error = post(api_client, "UpdateAnnotation", {**ref, "notes": "mine now"})
    assert status == 403 and error["Code"] == "NotAllowed"
    assert "CASE-9.xml" in error["Message"]
    assert post(api_client, "DeleteAnnotation", ref)[0] == 403
    layer = {"sessionID": session_id, "pathOrUid": SLIDE, "layerID": NATIVE_LAYER}
    assert post(api_client, "DeleteAnnotations", layer) == (200, 0)
    assert len(annotations_of(api_client, session_id, SLIDE)) == 2


def test_a_changed_file_is_read_again_and_a_broken_one_is_left_out(
    api_client: Client, session_id: str, scanned: Path
) -> None:
    assert len(annotations_of(api_client, session_id, SLIDE)) == 2
    scanned.write_text(aperio.write(DRAFTS[:1]), encoding="utf-8")
    os.utime(scanned, ns=(1, 10**18))  # a later date, whatever the clock's resolution
    assert len(annotations_of(api_client, session_id, SLIDE)) == 1
    scanned.write_text("<Annotations><Annotation><Regions><Region>", encoding="utf-8")
    os.utime(scanned, ns=(1, 2 * 10**18))
    _, own = add(api_client, session_id, SLIDE)
    assert [item["AnnotationID"] for item in annotations_of(api_client, session_id, SLIDE)] == [own]


@pytest.mark.skipif(not IMAGESCOPE.exists(), reason="annotation test data not present")
def test_a_real_imagescope_file_shows_its_three_regions(
    api_client: Client, session_id: str, scanned: Path
) -> None:
    shutil.copyfile(IMAGESCOPE, scanned)
    found = annotations_of(api_client, session_id, SLIDE)
    assert len(found) == 3
    assert {item["Dimensions"] for item in found} == {2}  # three freehand areas
