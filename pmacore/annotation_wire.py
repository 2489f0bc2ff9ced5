"""Annotations on the wire, both ways: GetAnnotations' objects, AddAnnotation's camelCase
body and SaveAnnotations' PascalCase items (PMA.core binds keys case-insensitively, so the
readers do too).

What PMA.UI reads of a GetAnnotations item: AnnotationID, LayerID, Classification, Color,
FillColor, LineThickness, Notes, Geometry, Image, Dimensions, UpdateInfo and the four
Audit fields; pma_python's clear_all_annotations needs `LayerID` on every item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmacore.errors import BadAnswer, BadRequest
from pmacore.types import Annotation, AnnotationChange, AnnotationDraft
from pmacore.wire import Params, parse_pma_date, pma_date


def annotation_to_wire(annotation: Annotation) -> dict[str, Any]:
    return {
        "AnnotationID": annotation.id,
        "LayerID": annotation.layer_id,
        "Classification": annotation.classification,
        "Color": annotation.color,
        "FillColor": annotation.fill_color,
        "LineThickness": annotation.line_thickness,
        "Notes": annotation.notes,
        "Geometry": annotation.geometry,
        "Image": annotation.slide_path,
        "Fingerprint": annotation.fingerprint,
        "Dimensions": annotation.dimensions,
        "UpdateInfo": None,
        "AuditCreatedBy": annotation.created_by,
        "AuditCreatedOn": pma_date(annotation.created_on),
        "AuditLastModifiedBy": annotation.modified_by,
        "AuditLastModifiedOn": pma_date(annotation.modified_on),
    }


def annotation_from_wire(data: object) -> Annotation:
    """An Annotation from a GetAnnotations item; BadAnswer when it cannot be read."""
    if not isinstance(data, Mapping):
        raise BadAnswer("The tile server sent an annotation that is not an object")
    item = Params.of(data)
    try:
        created_on = parse_pma_date(item.raw("AuditCreatedOn"))
        modified = item.raw("AuditLastModifiedOn")
        return Annotation(
            id=int(item.raw("AnnotationID")),
            layer_id=int(item.raw("LayerID") or 0),
            geometry=str(item.raw("Geometry") or ""),
            classification=item.text("Classification"),
            notes=item.text("Notes"),
            color=item.text("Color"),
            fill_color=item.text("FillColor"),
            line_thickness=int(float(item.raw("LineThickness") or 1)),
            slide_path=item.text("Image"),
            fingerprint=item.text("Fingerprint"),
            dimensions=int(item.raw("Dimensions") or 0),
            created_by=item.text("AuditCreatedBy"),
            created_on=created_on,
            modified_by=item.text("AuditLastModifiedBy"),
            modified_on=parse_pma_date(modified) if modified else created_on,
        )
    except (TypeError, ValueError, BadRequest) as e:
        raise BadAnswer(f"The tile server sent an annotation it cannot read ({e})") from None


def draft_to_wire(draft: AnnotationDraft) -> dict[str, Any]:
    """One item of SaveAnnotations' `added` (PascalCase, as pma_python sends it)."""
    return {
        "Classification": draft.classification,
        "LayerID": draft.layer_id,
        "Notes": draft.notes,
        "Geometry": draft.geometry,
        "Color": draft.color,
        "FillColor": draft.fill_color,
        "LineThickness": draft.line_thickness,
    }


def draft_from_wire(data: object, *, where: str = "the annotation") -> AnnotationDraft:
    """An AnnotationDraft from AddAnnotation's body or a SaveAnnotations item, whatever the
    case of its keys; BadRequest naming `where` when a field has the wrong type."""
    if not isinstance(data, Mapping):
        raise BadRequest(f"{where} must be an object")
    item = Params.of(data)
    try:
        geometry = item.raw("Geometry")
        if not isinstance(geometry, str):
            raise BadRequest("Geometry must be a WKT string")
        return AnnotationDraft(
            geometry=geometry,
            classification=item.text("Classification"),
            notes=item.text("Notes"),
            color=item.text("Color"),
            fill_color=item.text("FillColor"),
            line_thickness=max(0, round(item.number("LineThickness", 2))),
            layer_id=item.integer("LayerID", 0),
        )
    except BadRequest as e:
        raise BadRequest(f"{where}: {e.message}") from None


# UpdateAnnotation's body keys (camelCase, as PMA.UI sends them) for each changed field.
CHANGE_KEYS = {
    "geometry": "geometry",
    "classification": "classification",
    "notes": "notes",
    "color": "color",
    "fill_color": "fillColor",
    "line_thickness": "lineThickness",
    "layer_id": "layerID",
}


def change_to_wire(change: AnnotationChange) -> dict[str, Any]:
    return {
        key: getattr(change, field)
        for field, key in CHANGE_KEYS.items()
        if getattr(change, field) is not None
    }


def change_from_wire(params: Params) -> AnnotationChange:
    """The fields an UpdateAnnotation body (or a SaveAnnotations `updated` item) gives; a key
    sent empty (`"notes": ""`) clears that field, a key not sent keeps it."""

    def text(name: str) -> str | None:
        return params.text(name) if params.given(name) else None

    geometry = params.raw("geometry")
    if geometry is not None and not isinstance(geometry, str):
        raise BadRequest("Geometry must be a WKT string")
    thickness = params.raw("lineThickness")
    return AnnotationChange(
        geometry=geometry,
        classification=text("classification"),
        notes=text("notes"),
        color=text("color"),
        fill_color=text("fillColor"),
        line_thickness=None if thickness is None else round(params.number("lineThickness", 1)),
        layer_id=None if params.raw("layerID") is None else params.integer("layerID"),
    )
