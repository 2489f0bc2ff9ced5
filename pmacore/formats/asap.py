"""ASAP XML (CAMELYON): `<ASAP_Annotations><Annotations><Annotation Type PartOfGroup
Color>` with `<Coordinate Order X Y>`, and `<AnnotationGroups>`. The class is
`PartOfGroup` ("None" is none). Types: Polygon, Spline and Rectangle (areas), Dot (a
point), PointSet, Measurement (a line). ASAP has no holes: a hole is written as an area of
its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from shapely.geometry import LineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from pmacore.formats.common import (
    FormatError,
    Mpp,
    area,
    number,
    parts_of,
    shape,
    wkt,
    xml_root,
    xml_text,
)
from pmacore.formats.xml_regions import outline
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "application/xml"
SUFFIX = ".xml"
AREAS = {"Polygon", "Spline", "Rectangle"}


def read(text: str) -> list[AnnotationDraft]:
    root = xml_root(text, "ASAP_Annotations")
    drafts = []
    for element in root.iter("Annotation"):
        where = f"line {element.sourceline}"
        coordinates = sorted(element.iter("Coordinate"), key=lambda c: number(c, "Order"))
        points = [(number(c, "X"), number(c, "Y")) for c in coordinates]
        if not points:
            raise FormatError(f"{where}: an annotation without coordinates")
        kind = element.get("Type") or "Polygon"
        if kind in AREAS:
            geometry = area(points, where)
        elif kind == "Dot" or len(points) == 1:
            geometry = Point(points[0])
        elif kind == "PointSet":
            geometry = MultiPoint(points)
        elif kind in ("Measurement", "Polyline"):
            geometry = LineString(points)
        else:
            raise FormatError(f"{where}: annotation type {kind!r} is not supported")
        group = element.get("PartOfGroup") or ""
        drafts.append(
            AnnotationDraft(
                geometry=wkt(geometry, where),
                classification="" if group == "None" else group.strip(),
                color=(element.get("Color") or "#F4FA58").upper()[:7],
            )
        )
    return drafts


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    root = etree.Element("ASAP_Annotations")
    annotations = etree.SubElement(root, "Annotations")
    groups: dict[str, str] = {}
    count = 0
    for draft in drafts:
        for kind, points in _pieces(shape(draft.geometry)):
            element = etree.SubElement(
                annotations,
                "Annotation",
                Name=f"Annotation {count}",
                Type=kind,
                PartOfGroup=draft.classification or "None",
                Color=draft.color[:7],
            )
            count += 1
            coordinates = etree.SubElement(element, "Coordinates")
            for order, (x, y) in enumerate(points):
                etree.SubElement(coordinates, "Coordinate", Order=str(order), X=repr(x), Y=repr(y))
        if draft.classification:
            groups.setdefault(draft.classification, draft.color[:7])
    group_list = etree.SubElement(root, "AnnotationGroups")
    for name, colour in groups.items():
        group = etree.SubElement(group_list, "Group", Name=name, PartOfGroup="None", Color=colour)
        etree.SubElement(group, "Attributes")
    return xml_text(root)


def _pieces(geometry: BaseGeometry) -> list[tuple[str, list[tuple[float, float]]]]:
    """(ASAP type, points) of each part; holes become areas of their own."""
    if geometry.geom_type == "MultiPoint":
        return [("PointSet", [(p.x, p.y) for p in geometry.geoms])]
    pieces = []
    for part in parts_of(geometry):
        if part.geom_type == "Point":
            pieces.append(("Dot", [(part.x, part.y)]))
        elif part.geom_type == "LineString":
            pieces.append(("Measurement", list(part.coords)))
        else:
            pieces.append(("Polygon", outline(part)))
            pieces += [("Polygon", list(ring.coords)[:-1]) for ring in part.interiors]
    return pieces
