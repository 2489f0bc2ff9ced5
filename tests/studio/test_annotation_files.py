"""Import and export of a slide's annotations: the studio's routes and the management
commands, through the tile-server client (both modes)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command
from django.test import Client

from pmacore import formats
from pmacore.types import AnnotationDraft
from tests.pmacore.annotation_files import annotation_file

pytestmark = pytest.mark.django_db(transaction=True)

DRAFTS = [
    AnnotationDraft("POLYGON ((10 10, 110 10, 110 60, 10 60, 10 10))", "TLS I", color="#FF0000"),
    AnnotationDraft("POLYGON ((200 200, 300 200, 300 300, 200 200))", "TLS II", color="#00FF00"),
    AnnotationDraft("POINT (7 8)", "TLS I", color="#FF0000"),
]


def geojson_file(drafts: list[AnnotationDraft] = DRAFTS, name: str = "ai.geojson") -> io.BytesIO:
    upload = io.BytesIO(formats.write(drafts, "geojson").data)
    upload.name = name
    return upload


def import_url(slide: str) -> str:
    return f"/annotations/import/?slide={slide}"


def listed(client: Client, slide: str) -> list[dict[str, object]]:
    return client.get("/annotations/", {"slide": slide}).json()["annotations"]


def test_an_import_is_previewed_with_counts_per_class_before_it_is_saved(
    owner_client: Client, annotated_slide: str
) -> None:
    response = owner_client.post(import_url(annotated_slide), {"file": geojson_file()})
    assert response.status_code == 200
    assert response.json() == {
        "format": "geojson",
        "count": 3,
        "classes": [["TLS I", 2], ["TLS II", 1]],
    }
    assert listed(owner_client, annotated_slide) == []
    response = owner_client.post(
        import_url(annotated_slide), {"file": geojson_file(), "commit": "true"}
    )
    assert response.status_code == 201 and len(response.json()["ids"]) == 3
    assert [a["classification"] for a in listed(owner_client, annotated_slide)] == [
        "TLS I",
        "TLS II",
        "TLS I",
    ]


def test_an_import_for_a_slide_of_other_dimensions_saves_nothing(
    owner_client: Client, annotated_slide: str
) -> None:
    far = [*DRAFTS, AnnotationDraft("POINT (9000000 9000000)", "TLS I")]
    response = owner_client.post(
        import_url(annotated_slide), {"file": geojson_file(far), "commit": "true"}
    )
    assert response.status_code == 400
    message = response.json()["error"]
    assert "ai.geojson" in message and "annotation [3]" in message and "outside" in message
    assert listed(owner_client, annotated_slide) == []


def test_a_truncated_file_is_refused_naming_the_file(
    owner_client: Client, annotated_slide: str
) -> None:
    upload = io.BytesIO(geojson_file().getvalue()[:-20])
    upload.name = "cut.geojson"
    response = owner_client.post(import_url(annotated_slide), {"file": upload, "commit": "1"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("cut.geojson: line 1")


def test_the_import_route_needs_a_login_a_post_and_a_file(
    client: Client, owner_client: Client, annotated_slide: str
) -> None:
    assert client.post(import_url(annotated_slide), {"file": geojson_file()}).status_code == 401
    assert owner_client.get(import_url(annotated_slide)).status_code == 405
    assert owner_client.post(import_url(annotated_slide), {}).status_code == 400


@pytest.mark.parametrize("fmt", sorted(formats.WRITABLE))
def test_export_gives_a_file_that_imports_back(
    owner_client: Client, annotated_slide: str, fmt: str
) -> None:
    owner_client.post(import_url(annotated_slide), {"file": geojson_file(), "commit": "1"})
    response = owner_client.get("/annotations/export/", {"slide": annotated_slide, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    back = formats.read(response.content, fmt)
    assert len(back) == 3
    if fmt != "wkt":
        assert sorted(d.classification for d in back) == ["TLS I", "TLS I", "TLS II"]


def test_export_of_an_unknown_format_is_400(owner_client: Client, annotated_slide: str) -> None:
    response = owner_client.get("/annotations/export/", {"slide": annotated_slide, "format": "x"})
    assert response.status_code == 400


def test_the_commands_import_and_export(
    admin: AbstractUser, annotated_slide: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "results.geojson"
    source.write_bytes(geojson_file().getvalue())
    call_command("import_annotations", annotated_slide, str(source))
    out = capsys.readouterr().out
    assert "2  TLS I" in out and "Imported 3 annotations (geojson)" in out
    target = tmp_path / "out.csv"
    call_command("export_annotations", annotated_slide, "--format", "csv", "-o", str(target))
    rows = target.read_text().splitlines()
    assert len(rows) == 4 and rows[1].startswith("TLS I,")
    call_command("export_annotations", annotated_slide, "--format", "geojson")
    assert len(json.loads(capsys.readouterr().out)["features"]) == 3


def test_the_import_command_saves_nothing_from_a_bad_file(
    admin: AbstractUser, annotated_slide: str, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text('classification,wkt\nA,"POINT (1 1)"\nB,"POLYGON ((0 0"\n')
    with pytest.raises(CommandError, match=r"bad.csv: line 3: Invalid WKT"):
        call_command("import_annotations", annotated_slide, str(source))
    good = tmp_path / "good.geojson"
    good.write_bytes(geojson_file().getvalue())
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        call_command("import_annotations", annotated_slide, str(good), "--user", "nobody")


def test_a_dicom_annotation_file_imports_and_is_not_offered_for_export(
    owner_client: Client, annotated_slide: str, tmp_path: Path
) -> None:
    path = annotation_file(tmp_path, "dicom-ann/highdicom_sm_annotations.dcm")
    with path.open("rb") as upload:
        response = owner_client.post(import_url(annotated_slide), {"file": upload})
    assert response.json() == {"format": "dicom", "count": 2, "classes": [["nuclei", 2]]}
    with path.open("rb") as upload:
        response = owner_client.post(import_url(annotated_slide), {"file": upload, "commit": "1"})
    assert response.status_code == 201
    assert [(a["geometry"], a["notes"]) for a in listed(owner_client, annotated_slide)] == [
        ("POINT (34.6 18.4)", "Nucleus"),
        ("POINT (28.7 34.9)", "Nucleus"),
    ]
    export = owner_client.get("/annotations/export/", {"slide": annotated_slide, "format": "dicom"})
    assert export.status_code == 400
