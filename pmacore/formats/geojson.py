"""QuPath GeoJSON: a FeatureCollection, a bare list of Features, one Feature or one bare
geometry. The class is `properties.classification.name` (QuPath 0.3+) or, without one,
`properties.name` (older exports); its colour `classification.color` ([r, g, b]) or
`colorRGB` (a packed int). Holes and MultiPolygons are kept as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import shapely
from shapely.errors import GeometryTypeError, ShapelyError
from shapely.geometry import mapping
from shapely.geometry import shape as from_geojson

from pmacore.formats.common import (
    FormatError,
    Mpp,
    argb_int,
    hex_from_rgb,
    rgb_from_hex,
    shape,
    valid_area,
    wkt,
)
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "application/geo+json"
SUFFIX = ".geojson"
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def read(text: str) -> list[AnnotationDraft]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise FormatError(f"line {e.lineno}: not valid JSON ({e.msg})") from None
    return [_draft(feature, f"feature {i}") for i, feature in enumerate(_features(data))]


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    features = []
    for draft in drafts:
        properties: dict[str, Any] = {"objectType": "annotation"}
        if draft.classification:
            properties["classification"] = {
                "name": draft.classification,
                "color": list(rgb_from_hex(draft.color)),
            }
        if draft.notes:
            properties["description"] = draft.notes
        properties["color"] = list(rgb_from_hex(draft.color))
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shape(draft.geometry)),
                "properties": properties,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})


def _features(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        kind = data.get("type")
        if kind == "FeatureCollection" and isinstance(data.get("features"), list):
            return data["features"]
        if kind == "Feature":
            return [data]
        if kind in GEOMETRY_TYPES:
            return [{"type": "Feature", "geometry": data, "properties": {}}]
    raise FormatError("not a GeoJSON FeatureCollection, Feature list, Feature or geometry")


def _draft(feature: Any, where: str) -> AnnotationDraft:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise FormatError(f"{where}: not a GeoJSON Feature")
    raw = feature.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in GEOMETRY_TYPES:
        kind = raw.get("type") if isinstance(raw, dict) else raw
        raise FormatError(f"{where}: a {kind} cannot be an annotation")
    try:
        geometry = from_geojson(raw)
    except (ShapelyError, GeometryTypeError, ValueError, TypeError, IndexError) as e:
        raise FormatError(f"{where}: unreadable {raw.get('type')} ({e})") from None
    if geometry.geom_type in ("Polygon", "MultiPolygon") and not shapely.is_valid(geometry):
        geometry = valid_area(geometry, where)
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise FormatError(f"{where}: properties must be an object")
    classification = properties.get("classification")
    name, colour = "", None
    if isinstance(classification, dict):
        name = str(classification.get("name") or "")
        colour = _colour(classification.get("color") or classification.get("colorRGB"))
    elif isinstance(classification, str):
        name = classification
    notes = str(properties.get("description") or "")
    if not name and isinstance(properties.get("name"), str):
        name = properties["name"]
    elif isinstance(properties.get("name"), str) and not notes:
        notes = properties["name"]
    colour = colour or _colour(properties.get("color") or properties.get("colorRGB"))
    return AnnotationDraft(
        geometry=wkt(geometry, where),
        classification=name.strip(),
        notes=notes,
        color=colour or "#3399CC",
    )


def _colour(value: Any) -> str | None:
    if isinstance(value, list) and len(value) >= 3 and all(isinstance(v, int) for v in value[:3]):
        return hex_from_rgb(*value[:3])
    if isinstance(value, int) and not isinstance(value, bool):
        return argb_int(value)
    return None
