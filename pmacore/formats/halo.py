"""HALO (Indica Labs) XML: `<Annotations>` of layers (`<Annotation Name LineColor>`, the
class) of `<Region Type NegativeROA>` with `<V X Y>` and `<Comments><Comment Body>`.

Region types: Polygon, Rectangle and Ellipse (two corners), Ruler (a line), Pin (a point);
`Polyline` (an open line) is ours. Coordinates may be negative (outside the scan area).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from shapely.geometry import LineString, Point, box

from pmacore.formats.common import FormatError, Mpp, area, ellipse, number, xml_root, xml_text
from pmacore.formats.xml_regions import (
    Region,
    layer_colour,
    layers,
    outline,
    read_layers,
    regions_of,
)
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "application/xml"
SUFFIX = ".annotations"


def read(text: str) -> list[AnnotationDraft]:
    return read_layers(xml_root(text, "Annotations"), _region)


def _region(element: etree._Element, where: str) -> Region:
    vertices = [(number(v, "X"), number(v, "Y")) for v in element.iter("V")]
    if not vertices:
        raise FormatError(f"{where}: a region without vertices")
    kind = element.get("Type") or "Polygon"
    if kind in ("Rectangle", "Ellipse") and len(vertices) >= 2:
        (x0, y0), (x1, y1) = vertices[0], vertices[-1]
        corners = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        geometry = box(*corners) if kind == "Rectangle" else ellipse(*corners)
    elif kind in ("Ruler", "Polyline") and len(vertices) >= 2:
        geometry = LineString(vertices)
    elif kind == "Pin" or len(vertices) == 1:
        geometry = Point(vertices[0])
    elif kind == "Polygon":
        geometry = area(vertices, where)
    else:
        raise FormatError(f"{where}: region type {kind!r} is not supported")
    notes = "\n".join(c.get("Body") or "" for c in element.iter("Comment"))
    return Region(geometry, element.get("NegativeROA") == "1", notes)


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    root = etree.Element("Annotations")
    for name, items in layers(drafts).items():
        layer = etree.SubElement(
            root, "Annotation", Name=name, Visible="True", LineColor=layer_colour(items)
        )
        regions = etree.SubElement(layer, "Regions")
        for draft in items:
            for geometry, negative in regions_of(draft):
                kind = {"Point": "Pin", "LineString": "Polyline"}.get(geometry.geom_type, "Polygon")
                if kind == "Polyline" and len(geometry.coords) == 2:
                    kind = "Ruler"
                region = etree.SubElement(
                    regions, "Region", Type=kind, HasEndcaps="0", NegativeROA=str(int(negative))
                )
                vertices = etree.SubElement(region, "Vertices")
                for x, y in outline(geometry):
                    etree.SubElement(vertices, "V", X=repr(x), Y=repr(y))
                if draft.notes and not negative:
                    comments = etree.SubElement(region, "Comments")
                    etree.SubElement(comments, "Comment", Body=draft.notes)
    return xml_text(root)
