"""The annotations panel: the slide's annotations per class with counts, measures, authors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from pmacore.annotation_wire import draft_to_wire
from pmacore.types import AnnotationDraft
from tests.base import annotated_slide, client_for, make_user
from tests.panels.slide_fixtures import *  # noqa: F403

__all__ = ["annotated_slide"]
pytestmark = pytest.mark.django_db(transaction=True)

SQUARE = "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))"


def add(user: AbstractUser, slide: str, *drafts: AnnotationDraft) -> None:
    """Made by `user` through the studio (their own tile-server session, in both modes)."""
    added = [draft_to_wire(draft) for draft in drafts]
    response = client_for(user).post(
        f"/annotations/?slide={slide}", json.dumps({"added": added}), "application/json"
    )
    assert response.status_code == 201, response.content


def panel(client: Client, slide: str, **query: str) -> str:
    response = client.get("/panels/annotations/", {"slide": slide, **query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_slide_without_annotations_says_so(owner_client: Client, annotated_slide: str) -> None:
    assert "No annotations yet." in panel(owner_client, annotated_slide)


def test_annotations_are_grouped_per_class_with_counts_and_areas(
    owner: AbstractUser, owner_client: Client, annotated_slide: str
) -> None:
    add(
        owner,
        annotated_slide,
        AnnotationDraft(SQUARE, "Tumor"),
        AnnotationDraft("POINT (5 5)", "Tumor"),
        AnnotationDraft("LINESTRING (0 0, 30 40)", "Ruler"),
        AnnotationDraft(SQUARE, ""),
    )
    html = panel(owner_client, annotated_slide)
    classes = re.findall(r'annotation-class-name">([^<]*)</span> <span class="count">(\d+)', html)
    assert classes == [("Ruler", "1"), ("Tumor", "2"), ("(no class)", "1")]
    assert "µm²" in html and "point" in html
    assert "owner, " in html


def test_class_and_notes_are_escaped(
    owner: AbstractUser, owner_client: Client, annotated_slide: str
) -> None:
    add(owner, annotated_slide, AnnotationDraft(SQUARE, "<script>x</script>", "<b>n</b>"))
    html = panel(owner_client, annotated_slide)
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "<b>n</b>" not in html


def test_it_filters_by_author(
    owner: AbstractUser, colleague: AbstractUser, annotated_slide: str
) -> None:
    add(owner, annotated_slide, AnnotationDraft(SQUARE, "Mine"))
    add(colleague, annotated_slide, AnnotationDraft(SQUARE, "Theirs"))
    viewer = client_for(colleague)
    both = panel(viewer, annotated_slide)
    assert "Mine" in both and "Theirs" in both and '<option value="owner"' in both
    only = panel(viewer, annotated_slide, author="colleague")
    assert "Theirs" in only and "Mine" not in only


def edit_forms(html: str) -> dict[str, str]:
    """Annotation id → the URL its inline Edit form saves to."""
    found = re.findall(r'data-annotation-edit="(\d+)" data-url="([^"]*)"', html)
    return {ident: url.replace("&amp;", "&") for ident, url in found}


def test_the_author_may_edit_class_and_description_inline_and_others_may_not(
    owner: AbstractUser, colleague: AbstractUser, annotated_slide: str
) -> None:
    add(owner, annotated_slide, AnnotationDraft(SQUARE, "Tumor", "first look"))
    mine = panel(client_for(owner), annotated_slide)
    ((ident, url),) = edit_forms(mine).items()
    assert 'name="classification" value="Tumor"' in mine and ">first look</textarea>" in mine
    assert edit_forms(panel(client_for(colleague), annotated_slide)) == {}

    # The form's body, as annotations-panel.js sends it, to the form's own URL.
    body = json.dumps({"classification": "Stroma", "notes": "second look"})
    refused = client_for(colleague).post(url, body, "application/json")
    assert refused.status_code == 403 and "owner" in refused.json()["error"]
    assert client_for(owner).post(url, body, "application/json").status_code == 204
    html = panel(client_for(owner), annotated_slide)
    assert 'annotation-class-name">Stroma<' in html and "second look" in html
    assert f'data-annotation-edit="{ident}"' in html


def test_an_admin_may_edit_everyones_annotations_inline(
    owner: AbstractUser, annotated_slide: str
) -> None:
    # A name of its own: a remote tile server keeps the users earlier tests made, and an
    # "admin" made there without admin rights would stay so.
    admin = make_user("annotations-admin", is_staff=True, is_superuser=True)
    add(owner, annotated_slide, AnnotationDraft(SQUARE, "Tumor"))
    ((_, url),) = edit_forms(panel(client_for(admin), annotated_slide)).items()
    body = json.dumps({"classification": "Necrosis", "notes": ""})
    assert client_for(admin).post(url, body, "application/json").status_code == 204
    assert 'annotation-class-name">Necrosis<' in panel(client_for(owner), annotated_slide)


TCGA_WITHOUT_MPP = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "testdata"
    / "slides"
    / "aperio"
    / "tcga-cr-7395-01a-01-ts1.svs"
)


@pytest.mark.embedded_only
def test_a_ruler_on_a_slide_without_mpp_is_measured_in_pixels(
    owner: AbstractUser, tmp_path: Path, settings: Settings
) -> None:
    if not TCGA_WITHOUT_MPP.exists():
        pytest.skip(f"{TCGA_WITHOUT_MPP} is missing (shared/testdata)")
    (tmp_path / "frozen").mkdir()
    shutil.copy(TCGA_WITHOUT_MPP, tmp_path / "frozen" / "tcga.svs")
    settings.SLIDES_DIR = tmp_path
    slide = "frozen/tcga.svs"
    add(owner, slide, AnnotationDraft("LINESTRING (0 0, 30 40)", "Ruler"))

    html = panel(client_for(owner), slide)

    # A 3-4-5 triangle's long side, in pixels: the slide says nothing of its resolution.
    assert "50.0 px" in html and "µm" not in html


@pytest.mark.embedded_only  # builds its own slides folder, with a copy of a slide
def test_annotations_on_identical_copies_elsewhere_are_listed_per_copy(
    owner: AbstractUser, slides_dir: Path, slide_path: str, settings: Settings, tmp_path: Path
) -> None:
    shutil.copytree(slides_dir, tmp_path, dirs_exist_ok=True)
    (tmp_path / "blinded").mkdir()
    shutil.copy2(tmp_path / slide_path, tmp_path / "blinded" / "case-17.svs")
    settings.SLIDES_DIR = tmp_path
    reader = make_user("second-reader")
    add(reader, "blinded/case-17.svs", AnnotationDraft(SQUARE, "TLS primary follicle"))
    add(owner, slide_path, AnnotationDraft(SQUARE, "Tumor"))
    client = client_for(owner)

    assert "On identical copies elsewhere" in panel(client, slide_path)
    response = client.get(
        "/panels/annotations/copies/", {"slide": slide_path}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "blinded/case-17.svs" in html and "TLS primary follicle" in html
    assert "second-reader" in html
    assert "Tumor" not in html  # the slide's own annotations are the panel's list above
    # From the copy, the original is the copy elsewhere.
    html = client.get(
        "/panels/annotations/copies/", {"slide": "blinded/case-17.svs"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert slide_path in html and "Tumor" in html and "TLS primary" not in html


def test_a_slide_without_copies_says_so(owner_client: Client, annotated_slide: str) -> None:
    response = owner_client.get(
        "/panels/annotations/copies/", {"slide": annotated_slide}, HTTP_HX_REQUEST="true"
    )
    assert "No annotations on identical copies" in response.content.decode()


def test_a_long_class_is_listed_a_page_at_a_time(
    owner: AbstractUser, owner_client: Client, annotated_slide: str
) -> None:
    squares = [
        AnnotationDraft(f"POLYGON (({x} 0, {x + 5} 0, {x + 5} 5, {x} 5, {x} 0))", "Cell")
        for x in range(0, 1500, 6)
    ]  # 250
    add(owner, annotated_slide, *squares, AnnotationDraft(SQUARE, "Tumor"))

    html = panel(owner_client, annotated_slide)
    assert re.findall(r'class-name">Cell</span> <span class="count">(\d+)', html) == ["250"]
    assert html.count("data-annotation-id=") == 101  # 100 cells and the tumour
    (more,) = re.findall(r'hx-get="([^"]*)"[^>]*>Show 150 more', html)
    more = more.replace("&amp;", "&")
    assert "class=Cell" in more and "offset=100" in more

    page = owner_client.get(more, HTTP_HX_REQUEST="true").content.decode()
    assert page.count("data-annotation-id=") == 100
    assert "Show 50 more" in page and "offset=200" in page
    last = owner_client.get(
        "/panels/annotations/", {"slide": annotated_slide, "class": "Cell", "offset": "200"}
    ).content.decode()
    assert last.count("data-annotation-id=") == 50 and "more</button>" not in last
    ids = re.findall(r'data-annotation-id="(\d+)"', html + page + last)
    assert len(set(ids)) == 251


def test_a_bad_page_offset_is_refused(owner_client: Client, annotated_slide: str) -> None:
    response = owner_client.get(
        "/panels/annotations/", {"slide": annotated_slide, "offset": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
