"""The annotations panel: the slide's annotations per class with counts, measures, authors."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from pmacore.annotation_wire import draft_to_wire
from pmacore.types import AnnotationDraft
from tests.base import annotated_slide, client_for
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
