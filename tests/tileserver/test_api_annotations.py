"""Annotations through the PMA.core API of the embedded tile server, with PMA.core's traps."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from pmacore import formats
from tileserver import engine
from tileserver.models import Annotation, ApiSession

pytestmark = pytest.mark.django_db

SQUARE = "POLYGON ((100 100, 300 100, 300 300, 100 300, 100 100))"


def post(client: Client, method: str, body: dict[str, object]) -> tuple[int, object]:
    response = client.post(
        f"/core/api/json/{method}", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json() if response.content else None


def get(client: Client, method: str, **params: object) -> tuple[int, object]:
    response = client.get(f"/core/api/json/{method}", params)
    return response.status_code, response.json()


def add(client: Client, session_id: str, slide: str, geometry: str = SQUARE, **extra: object):
    body = {
        "sessionID": session_id,
        "pathOrUid": slide,
        "classification": "Tumor",
        "layerID": 1,
        "notes": "first",
        "geometry": geometry,
        "color": "#FF0000",
        **extra,
    }
    return post(client, "AddAnnotation", body)


def annotations_of(client: Client, session_id: str, slide: str) -> list[dict[str, object]]:
    status, found = get(client, "GetAnnotations", sessionID=session_id, pathOrUid=slide)
    assert status == 200, found
    assert isinstance(found, list)
    return found


@pytest.fixture
def other_session(django_user_model: type[AbstractUser], fast_hashers: None) -> str:
    other = django_user_model.objects.create_user("other", password="pw-other-1")
    return ApiSession.open_for(other).session_id


def test_a_slide_without_annotations_has_an_empty_list(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    assert annotations_of(api_client, session_id, demo_slide) == []


def test_add_answers_a_bare_int_and_get_lists_it_with_every_field(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    status, new_id = add(api_client, session_id, demo_slide)
    assert status == 200 and isinstance(new_id, int)
    [item] = annotations_of(api_client, session_id, demo_slide)
    assert item["AnnotationID"] == new_id
    assert item["LayerID"] == 1
    assert item["Classification"] == "Tumor"
    assert item["Notes"] == "first"
    assert item["Geometry"] == SQUARE
    assert item["Color"] == "#FF0000"
    assert item["Dimensions"] == 2
    assert item["Image"] == demo_slide
    assert item["Fingerprint"] == engine.fingerprint(demo_slide)
    assert item["AuditCreatedBy"] == item["AuditLastModifiedBy"] == "pathologist"
    assert re.fullmatch(r"/Date\(\d+\)/", str(item["AuditCreatedOn"]))
    row = Annotation.objects.get()
    assert (row.min_x, row.min_y, row.max_x, row.max_y) == (100, 100, 300, 300)


def test_annotations_are_found_by_uid_too(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    add(api_client, session_id, demo_slide)
    uid = engine.uid(demo_slide)
    assert len(annotations_of(api_client, session_id, uid)) == 1


def test_save_answers_new_ids_in_added_order(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    geometries = ["POINT (5 5)", "LINESTRING (0 0, 30 40)", SQUARE]
    added = [
        {"Classification": "Stroma", "LayerID": 4, "Notes": f"n{i}", "Geometry": g}
        for i, g in enumerate(geometries)
    ]
    body = {"sessionID": session_id, "pathOrUid": demo_slide, "added": added}
    status, ids = post(api_client, "SaveAnnotations", {**body, "updated": [], "deleted": []})
    assert status == 200 and isinstance(ids, list) and len(ids) == 3
    by_id = {
        item["AnnotationID"]: item for item in annotations_of(api_client, session_id, demo_slide)
    }
    assert [by_id[i]["Geometry"] for i in ids] == geometries
    assert [by_id[i]["Dimensions"] for i in ids] == [0, 1, 2]


def test_save_updates_and_deletes_in_the_same_call(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    _, first = add(api_client, session_id, demo_slide)
    _, second = add(api_client, session_id, demo_slide, notes="second")
    body = {
        "sessionID": session_id,
        "pathOrUid": demo_slide,
        "added": [],
        # PMA.UI sends whole annotation objects in both lists.
        "updated": [{"AnnotationID": first, "Classification": "Necrosis", "Notes": ""}],
        "deleted": [{"AnnotationID": second, "LayerID": 1}],
    }
    status, ids = post(api_client, "SaveAnnotations", body)
    assert (status, ids) == (200, [])
    [item] = annotations_of(api_client, session_id, demo_slide)
    assert (item["AnnotationID"], item["Classification"], item["Notes"]) == (first, "Necrosis", "")


def test_a_bad_item_saves_nothing_and_names_its_index(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    added = [{"Geometry": SQUARE}, {"Geometry": "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"}]
    body = {"sessionID": session_id, "pathOrUid": demo_slide, "added": added}
    status, error = post(api_client, "SaveAnnotations", body)
    assert status == 400
    assert "added[1]" in error["Message"] and "Self-intersection" in error["Message"]
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("geometry", "color", "expected"),
    [
        ("POLYGON ((0 0, 10 0", "#FF0000", "Invalid WKT"),
        ("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", "#FF0000", "Self-intersection"),
        ("POLYGON ((-50 -50, -10 -50, -10 -10, -50 -50))", "#FF0000", "entirely outside"),
        ("POINT (1e9 1e9)", "#FF0000", "entirely outside"),
        ("GEOMETRYCOLLECTION (POINT (1 1))", "#FF0000", "cannot be a GeometryCollection"),
        ("", "#FF0000", "WKT string"),
        (SQUARE, "red", "Unknown colour format"),
        (SQUARE, "#12345", "Unknown colour format"),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_saved(
    api_client: Client,
    session_id: str,
    demo_slide: str,
    geometry: str,
    color: str,
    expected: str,
) -> None:
    status, error = add(api_client, session_id, demo_slide, geometry=geometry, color=color)
    assert status == 400
    assert error["Code"] == "BadRequest" and expected in error["Message"]
    assert Annotation.objects.count() == 0


def test_geometry_that_is_not_a_string_is_refused(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    status, error = add(api_client, session_id, demo_slide, geometry={"type": "Point"})
    assert status == 400 and "WKT" in error["Message"]


def test_short_colours_are_widened_and_upper_cased(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    add(api_client, session_id, demo_slide, color="#f0a", fillColor="#00ff0080")
    [item] = annotations_of(api_client, session_id, demo_slide)
    assert (item["Color"], item["FillColor"]) == ("#FF00AA", "#00FF0080")


def test_update_changes_only_what_is_given(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    _, new_id = add(api_client, session_id, demo_slide)
    body = {
        "sessionID": session_id,
        "pathOrUid": demo_slide,
        "layerID": 1,
        "annotationID": new_id,
        "notes": "looked again",
        "geometry": "POLYGON ((0 0, 50 0, 50 50, 0 0))",
    }
    assert post(api_client, "UpdateAnnotation", body)[0] == 200
    [item] = annotations_of(api_client, session_id, demo_slide)
    assert item["Notes"] == "looked again"
    assert item["Classification"] == "Tumor" and item["Color"] == "#FF0000"
    assert item["Geometry"] == "POLYGON ((0 0, 50 0, 50 50, 0 0))"


def test_update_of_an_unknown_annotation_is_404(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    body = {"sessionID": session_id, "pathOrUid": demo_slide, "annotationID": 999, "notes": "x"}
    status, error = post(api_client, "UpdateAnnotation", body)
    assert status == 404 and error["Code"] == "AnnotationNotFound"


def test_only_the_author_changes_or_deletes_an_annotation(
    api_client: Client, session_id: str, other_session: str, demo_slide: str
) -> None:
    _, new_id = add(api_client, session_id, demo_slide)
    ref = {"sessionID": other_session, "pathOrUid": demo_slide, "annotationID": new_id}
    status, error = post(api_client, "UpdateAnnotation", {**ref, "notes": "mine now"})
    assert status == 403 and error["Code"] == "NotAllowed"
    assert post(api_client, "DeleteAnnotation", ref)[0] == 403
    # Others still see it, and DeleteAnnotations of the layer leaves it alone.
    assert len(annotations_of(api_client, other_session, demo_slide)) == 1
    layer = {"sessionID": other_session, "pathOrUid": demo_slide, "layerID": 1}
    assert post(api_client, "DeleteAnnotations", layer) == (200, 0)
    assert Annotation.objects.count() == 1


def test_delete_one_and_delete_a_layer(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    _, first = add(api_client, session_id, demo_slide)
    add(api_client, session_id, demo_slide, layerID=2)
    add(api_client, session_id, demo_slide, layerID=2)
    ref = {"sessionID": session_id, "pathOrUid": demo_slide}
    assert post(api_client, "DeleteAnnotation", {**ref, "annotationID": first})[0] == 200
    assert post(api_client, "DeleteAnnotations", {**ref, "layerID": 2}) == (200, 2)
    assert annotations_of(api_client, session_id, demo_slide) == []


def test_area_and_distance_use_the_slides_mpp(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    info = engine.slide_info(demo_slide)
    assert info.mpp_x and info.mpp_y
    _, square = add(api_client, session_id, demo_slide)  # 200 x 200 px
    _, line = add(api_client, session_id, demo_slide, geometry="LINESTRING (0 0, 30 40)")
    ref = {"sessionID": session_id, "pathOrUid": demo_slide}
    status, area = get(api_client, "GetAnnotationSurfaceArea", **ref, annotationID=square)
    assert status == 200 and area == pytest.approx(40_000 * info.mpp_x * info.mpp_y)
    _, perimeter = get(api_client, "GetAnnotationDistance", **ref, annotationID=square)
    assert perimeter == pytest.approx(800 * info.mpp_x)
    _, length = get(api_client, "GetAnnotationDistance", **ref, annotationID=line)
    assert length == pytest.approx(50 * info.mpp_x)
    _, no_area = get(api_client, "GetAnnotationSurfaceArea", **ref, annotationID=line)
    assert no_area == 0


def test_export_as_csv_by_pma_core_number(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    add(api_client, session_id, demo_slide)
    response = api_client.get(
        "/core/api/json/ExportAnnotations",
        {"sessionID": session_id, "pathOrUid": demo_slide, "format": 4, "source": "0"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = response.content.decode().splitlines()
    assert header.startswith("classification,") and row.startswith("Tumor,first,#FF0000")
    assert row.endswith(f'"{SQUARE}"')


def test_export_to_visiopharm_is_refused(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    status, error = get(
        api_client, "ExportAnnotations", sessionID=session_id, pathOrUid=demo_slide, format=0
    )
    assert status == 400 and "Unknown annotation format" in error["Message"]


def test_annotation_calls_need_a_session(api_client: Client, demo_slide: str) -> None:
    status, error = get(api_client, "GetAnnotations", pathOrUid=demo_slide)
    assert status == 401 and error["Code"] == "SessionNotFound"
    assert add(api_client, "nope", demo_slide)[0] == 401


def test_writes_need_post(api_client: Client, session_id: str, demo_slide: str) -> None:
    status, _ = get(api_client, "AddAnnotation", sessionID=session_id, pathOrUid=demo_slide)
    assert status == 405


def test_method_names_are_case_insensitive(
    api_client: Client, session_id: str, demo_slide: str
) -> None:
    add(api_client, session_id, demo_slide)
    status, found = get(api_client, "getannotations", sessionID=session_id, pathOrUid=demo_slide)
    assert status == 200 and len(found) == 1


@pytest.fixture
def movable_slides(settings: Settings, tmp_path: Path, demo_slide: str, slides_dir: Path) -> Path:
    """A copy of one demo slide in a root of its own, free to move and copy."""
    root = tmp_path / "slides"
    (root / "lab" / "a").mkdir(parents=True)
    shutil.copy(slides_dir / demo_slide, root / "lab" / "a" / "slide.svs")
    settings.SLIDES_DIR = root
    return root


def test_annotations_follow_a_moved_slide_and_copies_keep_theirs(
    api_client: Client, session_id: str, movable_slides: Path
) -> None:
    add(api_client, session_id, "lab/a/slide.svs")
    (movable_slides / "lab" / "b").mkdir()
    (movable_slides / "lab" / "a" / "slide.svs").rename(movable_slides / "lab" / "b" / "moved.svs")
    [item] = annotations_of(api_client, session_id, "lab/b/moved.svs")
    assert item["Image"] == "lab/b/moved.svs"
    # A copy of the same slide has its own annotations, and sees the original's as copies'.
    shutil.copy(movable_slides / "lab" / "b" / "moved.svs", movable_slides / "lab" / "copy.svs")
    assert annotations_of(api_client, session_id, "lab/copy.svs") == []
    # PMA.UI's lookup by fingerprint finds those of every copy.
    add(api_client, session_id, "lab/copy.svs")
    status, by_print = get(
        api_client, "GetAnnotations", sessionID=session_id, fingerprint=item["Fingerprint"]
    )
    assert status == 200
    assert sorted(c["Image"] for c in by_print) == ["lab/b/moved.svs", "lab/copy.svs"]


@pytest.mark.parametrize(("number", "name"), [(1, "halo"), (2, "geojson"), (3, "aperio")])
def test_export_in_pma_core_formats_reads_back(
    api_client: Client, session_id: str, demo_slide: str, number: int, name: str
) -> None:
    add(api_client, session_id, demo_slide)
    response = api_client.get(
        "/core/api/json/ExportAnnotations",
        {"sessionID": session_id, "pathOrUid": demo_slide, "format": number},
    )
    assert response.status_code == 200
    [draft] = formats.read(response.content, name)
    assert (draft.classification, draft.geometry) == ("Tumor", SQUARE)
