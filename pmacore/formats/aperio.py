"""Aperio ImageScope XML: `<Annotations MicronsPerPixel>` of layers (`<Annotation Name
LineColor>`, the class) of `<Region Type Text NegativeROA>` with `<Vertex X Y>`.

Region types: 0 free-hand or polygon, 1 rectangle, 2 ellipse (two corners), 3 arrow and
4 ruler (lines), 5 pin (a point). A region's `Text` is its note.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from shapely.geometry import LineString, Point

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
SUFFIX = ".xml"
POLYGON, RECTANGLE, ELLIPSE, ARROW, RULER, PIN = 0, 1, 2, 3, 4, 5


def read(text: str) -> list[AnnotationDraft]:
    return read_layers(xml_root(text, "Annotations"), _region)


def _region(element: etree._Element, where: str) -> Region:
    vertices = [(number(v, "X"), number(v, "Y")) for v in element.iter("Vertex")]
    if not vertices:
        raise FormatError(f"{where}: a region without vertices")
    kind = int(number(element, "Type")) if element.get("Type") else POLYGON
    if kind == ELLIPSE and len(vertices) >= 2:
        (x0, y0), (x1, y1) = vertices[0], vertices[-1]
        geometry = ellipse(x0, y0, x1, y1)
    elif kind in (ARROW, RULER) and len(vertices) >= 2:
        geometry = LineString(vertices)
    elif kind == PIN or len(vertices) == 1:
        geometry = Point(vertices[0])
    else:
        geometry = area(vertices, where)
    negative = element.get("NegativeROA") == "1"
    return Region(geometry, negative, element.get("Text") or "")


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    root = etree.Element("Annotations", MicronsPerPixel=f"{mpp[0]:.6f}" if mpp else "0")
    for number_, (name, items) in enumerate(layers(drafts).items(), start=1):
        layer = etree.SubElement(
            root, "Annotation", Id=str(number_), Name=name, LineColor=layer_colour(items)
        )
        layer.set("Type", "4")
        layer.set("Visible", "1")
        attributes = etree.SubElement(layer, "Attributes")
        etree.SubElement(attributes, "Attribute", Name="Description", Id="0", Value=name)
        regions = etree.SubElement(layer, "Regions")
        region_id = 0
        for draft in items:
            for geometry, negative in regions_of(draft):
                region_id += 1
                kind = {"Point": PIN, "LineString": RULER}.get(geometry.geom_type, POLYGON)
                region = etree.SubElement(
                    regions,
                    "Region",
                    Id=str(region_id),
                    Type=str(kind),
                    Text="" if negative else draft.notes,
                    NegativeROA="1" if negative else "0",
                )
                vertices = etree.SubElement(region, "Vertices")
                for x, y in outline(geometry):
                    etree.SubElement(vertices, "Vertex", X=repr(x), Y=repr(y), Z="0")
    return xml_text(root)
