"""Annotations on the wire, both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pmacore.annotation_wire import (
    annotation_from_wire,
    annotation_to_wire,
    change_from_wire,
    change_to_wire,
    draft_from_wire,
    draft_to_wire,
)
from pmacore.errors import BadAnswer, BadRequest
from pmacore.types import Annotation, AnnotationChange, AnnotationDraft
from pmacore.wire import Params

WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ANNOTATION = Annotation(
    id=7,
    layer_id=2,
    geometry="POINT (1 2)",
    classification="TLS",
    notes="<i>x</i>",
    color="#FF0000",
    fill_color="#FF000080",
    line_thickness=3,
    slide_path="root/a.svs",
    fingerprint="abc",
    dimensions=0,
    created_by="ada",
    created_on=WHEN,
    modified_by="bob",
    modified_on=WHEN,
)


def test_an_annotation_reads_back_as_it_was_written() -> None:
    wire = annotation_to_wire(ANNOTATION)
    assert wire["AnnotationID"] == 7 and wire["LayerID"] == 2
    assert wire["AuditCreatedOn"] == "/Date(1777636800000)/"
    assert annotation_from_wire(wire) == ANNOTATION


def test_a_pma_core_item_without_our_extras_still_reads() -> None:
    wire = annotation_to_wire(ANNOTATION)
    del wire["Fingerprint"], wire["AuditLastModifiedOn"]
    read = annotation_from_wire(wire)
    assert read.fingerprint == "" and read.modified_on == WHEN


@pytest.mark.parametrize("bad", [[], {"AnnotationID": "x"}, {"Geometry": "POINT (1 1)"}])
def test_unreadable_items_are_bad_answers(bad: object) -> None:
    with pytest.raises(BadAnswer):
        annotation_from_wire(bad)


def test_drafts_read_camel_and_pascal_case() -> None:
    draft = AnnotationDraft("POINT (1 1)", "TLS", "n", "#00FF00", "#00FF0080", 2, 4)
    assert draft_from_wire(draft_to_wire(draft)) == draft
    camel = {"geometry": "POINT (1 1)", "classification": "TLS", "layerID": 4, "lineThickness": 1.6}
    assert draft_from_wire(camel) == AnnotationDraft(
        "POINT (1 1)", "TLS", color="", line_thickness=2, layer_id=4
    )


def test_a_draft_without_wkt_names_where_it_is() -> None:
    with pytest.raises(BadRequest, match=r"added\[3\]: Geometry must be a WKT string"):
        draft_from_wire({"Geometry": {"type": "Point"}}, where="added[3]")


def test_a_change_keeps_what_is_not_sent_and_clears_what_is_sent_empty() -> None:
    change = change_from_wire(Params.of({"notes": "", "Color": "#000000"}))
    assert change == AnnotationChange(notes="", color="#000000")
    assert change_to_wire(change) == {"notes": "", "color": "#000000"}
