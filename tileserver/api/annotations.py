"""Annotations (`api/json/...Annotation...`), as pma_python and PMA.UI call them.

Traps kept: AddAnnotation answers a bare int and SaveAnnotations a bare array of new ids in
`added` order (pma_python wraps them; PMA.UI rejects a length that differs from `added`);
AddAnnotation's body is camelCase, SaveAnnotations' items PascalCase; DeleteAnnotations is
judged by its status alone; the measures are bare numbers (the SDK returns the text).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse

from pmacore import formats
from pmacore.annotation_wire import annotation_to_wire, change_from_wire, draft_from_wire
from pmacore.errors import BadRequest
from pmacore.wire import Params, slide_ref
from tileserver import annotations, engine
from tileserver.api.http import ApiCall, bare_json


def _slide(call: ApiCall) -> str:
    return slide_ref(call.params.required("pathOrUid"))


def _user(call: ApiCall) -> Any:
    assert call.session is not None
    return call.session.user


def get_annotations(call: ApiCall) -> JsonResponse:
    """GET `pathOrUid` (PMA.UI may give `fingerprint` instead, and `currentUserOnly`)."""
    fingerprint = call.params.text("fingerprint")
    if fingerprint and not call.params.text("pathOrUid"):
        found = annotations.by_fingerprint(fingerprint)
    else:
        found = annotations.for_slide(_slide(call))
    if call.params.boolean("currentUserOnly"):
        name = _user(call).get_username()
        found = [item for item in found if item.created_by == name]
    return bare_json([annotation_to_wire(item) for item in found])


def add_annotation(call: ApiCall) -> JsonResponse:
    draft = draft_from_wire(call.params.mapping())
    return bare_json(annotations.add(_user(call), _slide(call), draft))


def save_annotations(call: ApiCall) -> JsonResponse:
    """POST `{pathOrUid, added: [...], updated: [...], deleted: [...]}`, all or nothing."""
    added = [
        draft_from_wire(item, where=f"added[{i}]") for i, item in enumerate(_list(call, "added"))
    ]
    updated = [
        (_annotation_id(Params.of(item), f"updated[{i}]"), change_from_wire(Params.of(item)))
        for i, item in enumerate(_objects(call, "updated"))
    ]
    deleted = [_deleted_id(item, i) for i, item in enumerate(_list(call, "deleted"))]
    ids = annotations.save(_user(call), _slide(call), added=added, updated=updated, deleted=deleted)
    return bare_json(ids)


def update_annotation(call: ApiCall) -> HttpResponse:
    annotation_id = _annotation_id(call.params, "the request")
    annotations.update(_user(call), _slide(call), annotation_id, change_from_wire(call.params))
    return bare_json(True)


def delete_annotation(call: ApiCall) -> HttpResponse:
    annotations.delete(_user(call), _slide(call), _annotation_id(call.params, "the request"))
    return bare_json(True)


def delete_annotations(call: ApiCall) -> HttpResponse:
    """A whole layer (pma_python's clear_annotations): only the status is read."""
    layer_id = call.params.integer("layerID", 0)
    return bare_json(annotations.delete_layer(_user(call), _slide(call), layer_id))


def surface_area(call: ApiCall) -> JsonResponse:
    annotation_id = _annotation_id(call.params, "the request")
    return bare_json(annotations.surface_area(_slide(call), annotation_id))


def distance(call: ApiCall) -> JsonResponse:
    annotation_id = _annotation_id(call.params, "the request")
    return bare_json(annotations.distance(_slide(call), annotation_id))


def export_annotations(call: ApiCall) -> HttpResponse:
    """GET `format` (PMA.core's numbers, or one of our names) and `source` (only 0, ours)."""
    path = _slide(call)
    if call.params.text("source", "0").strip() not in ("0", ""):
        raise BadRequest("Only source 0 (the tile server's own annotations) can be exported")
    name = formats.format_name(call.params.text("format", "4"))
    info = engine.slide_info(path)
    drafts = [item.as_draft() for item in annotations.for_slide(path)]
    mpp = (info.mpp_x, info.mpp_y) if info.mpp_x and info.mpp_y else None
    export = formats.write(drafts, name, mpp=mpp)
    response = HttpResponse(export.data, content_type=export.content_type)
    stem = path.rpartition("/")[2].rpartition(".")[0] or "slide"
    response["Content-Disposition"] = f'attachment; filename="{stem}{export.suffix}"'
    return response


def _annotation_id(params: Params, where: str) -> int:
    """Stored annotations have positive ids, those of the scanner's file negative ones."""
    if params.raw("annotationID") is None:
        raise BadRequest(f"{where}: AnnotationID is required")
    annotation_id = params.integer("annotationID")
    if annotation_id == 0:
        raise BadRequest(f"{where}: there is no annotation 0")
    return annotation_id


def _deleted_id(item: object, index: int) -> int:
    """`deleted` holds ids (pma_python sends none) or whole annotations (PMA.UI)."""
    if isinstance(item, dict):
        return _annotation_id(Params.of(item), f"deleted[{index}]")
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    raise BadRequest(f"deleted[{index}] must be an annotation ID")


def _list(call: ApiCall, name: str) -> list[Any]:
    value = call.params.raw(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(f"Parameter {name} must be a list")
    return value


def _objects(call: ApiCall, name: str) -> list[dict[str, Any]]:
    items = _list(call, name)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"{name}[{i}] must be an annotation object")
    return items
