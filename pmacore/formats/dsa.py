"""DSA / HistomicsUI (large_image) annotation JSON: one document `{name, elements}`, a list
of them, or Girder's export (a list of `{"annotation": {...}}`). Elements: polyline (closed
or open, with `holes`), rectangle, ellipse, circle, point, arrow. The class is the element's
`group`, else its `label.value`, else the document's name.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from pmacore.formats.common import (
    FormatError,
    Mpp,
    area,
    css_colour,
    ellipse,
    parts_of,
    rgba_css,
    shape,
    valid_area,
    wkt,
)
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "application/json"
SUFFIX = ".json"


def read(text: str) -> list[AnnotationDraft]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise FormatError(f"line {e.lineno}: not valid JSON ({e.msg})") from None
    documents = data if isinstance(data, list) else [data]
    drafts = []
    for d, document in enumerate(documents):
        if isinstance(document, dict) and isinstance(document.get("annotation"), dict):
            document = document["annotation"]
        if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
            raise FormatError(f"document {d}: not a DSA annotation (no elements)")
        name = str(document.get("name") or "")
        for e, element in enumerate(document["elements"]):
            drafts.append(_draft(element, name, f"document {d} element {e}"))
    return drafts


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    elements = []
    for draft in drafts:
        for part in parts_of(shape(draft.geometry)):
            elements.append(_element(part, draft))
    return json.dumps({"name": "Slide Studio", "description": "", "elements": elements})


def _element(part: BaseGeometry, draft: AnnotationDraft) -> dict[str, Any]:
    style: dict[str, Any] = {
        "lineColor": rgba_css(draft.color),
        "lineWidth": draft.line_thickness,
    }
    if draft.fill_color:
        style["fillColor"] = rgba_css(draft.fill_color)
    if draft.classification:
        style["group"] = draft.classification
        style["label"] = {"value": draft.classification}
    if draft.notes:
        style["user"] = {"notes": draft.notes}
    if part.geom_type == "Point":
        return {"type": "point", "center": [part.x, part.y, 0], **style}
    if part.geom_type == "LineString":
        points = [[x, y, 0] for x, y in part.coords]
        return {"type": "polyline", "closed": False, "points": points, **style}
    element = {
        "type": "polyline",
        "closed": True,
        "points": [[x, y, 0] for x, y in list(part.exterior.coords)[:-1]],
        **style,
    }
    if part.interiors:
        element["holes"] = [[[x, y, 0] for x, y in ring.coords[:-1]] for ring in part.interiors]
    return element


def _draft(element: Any, document_name: str, where: str) -> AnnotationDraft:
    if not isinstance(element, dict):
        raise FormatError(f"{where}: not an element object")
    geometry = _geometry(element, where)
    label = element.get("label")
    label_value = label.get("value") if isinstance(label, dict) else None
    classification = str(element.get("group") or label_value or document_name)
    user = element.get("user") if isinstance(element.get("user"), dict) else {}
    return AnnotationDraft(
        geometry=wkt(geometry, where),
        classification=classification.strip(),
        notes=str(user.get("notes") or ""),
        color=css_colour(element.get("lineColor"), "#000000")[:7],
        fill_color=css_colour(element.get("fillColor")),
        line_thickness=round(_number(element.get("lineWidth", 2), where, "lineWidth")),
    )


def _geometry(element: dict[str, Any], where: str) -> BaseGeometry:
    kind = element.get("type")
    if kind in ("polyline", "arrow"):
        points = _points(element.get("points"), where)
        unique = list(dict.fromkeys(points))
        if len(unique) == 1:
            return Point(unique[0])
        if kind == "arrow" or not element.get("closed"):
            return LineString(points)
        polygon = area(points, where)
        holes = element.get("holes") or []
        if holes and polygon.geom_type == "Polygon":
            rings = [_points(hole, where) for hole in holes]
            polygon = Polygon(polygon.exterior.coords, rings)
            if not polygon.is_valid:
                polygon = valid_area(polygon, where)
        return polygon
    center = _points([element.get("center")], where)[0]
    if kind == "point":
        return Point(center)
    if kind == "circle":
        radius = _number(element.get("radius"), where, "radius")
        return ellipse(
            center[0] - radius, center[1] - radius, center[0] + radius, center[1] + radius
        )
    if kind in ("rectangle", "ellipse"):
        width = _number(element.get("width"), where, "width")
        height = _number(element.get("height"), where, "height")
        x0, y0 = center[0] - width / 2, center[1] - height / 2
        outline = (
            box(x0, y0, x0 + width, y0 + height)
            if kind == "rectangle"
            else ellipse(x0, y0, x0 + width, y0 + height)
        )
        rotation = _number(element.get("rotation", 0), where, "rotation")
        if rotation:
            outline = affinity.rotate(outline, rotation, origin=center, use_radians=True)
        return outline
    raise FormatError(f"{where}: element type {kind!r} is not supported")


def _points(value: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(value, list) or not value:
        raise FormatError(f"{where}: points must be a list of [x, y, z]")
    points = []
    for point in value:
        if not isinstance(point, list) or len(point) < 2:
            raise FormatError(f"{where}: a point must be [x, y] or [x, y, z]")
        points.append((_number(point[0], where, "x"), _number(point[1], where, "y")))
    return points


def _number(value: Any, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FormatError(f"{where}: {name} must be a number, not {value!r}")
    return float(value)
