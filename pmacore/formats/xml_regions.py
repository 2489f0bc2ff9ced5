"""What Aperio ImageScope XML and HALO XML share: layers (`<Annotation>`, the class, with a
Windows `LineColor`) of regions whose `NegativeROA="1"` ones are holes in the area around
them. Each format says how its region types map to shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from pmacore.formats.common import (
    FormatError,
    bgr_int_from_hex,
    hex_from_bgr_int,
    parts_of,
    shape,
    subtract_holes,
    wkt,
)
from pmacore.types import AnnotationDraft


@dataclass(frozen=True)
class Region:
    geometry: BaseGeometry
    negative: bool
    notes: str


def read_layers(
    root: etree._Element, region: Callable[[etree._Element, str], Region]
) -> list[AnnotationDraft]:
    drafts = []
    for layer in root.iter("Annotation"):
        where = f"line {layer.sourceline}"
        try:
            colour = hex_from_bgr_int(int(layer.get("LineColor") or 0))
        except ValueError:
            raise FormatError(f"{where}: LineColor must be an integer") from None
        name = (layer.get("Name") or _description(layer)).strip()
        regions = [
            region(element, f"line {element.sourceline}") for element in layer.iter("Region")
        ]
        positives = [r for r in regions if not r.negative]
        holes = [r.geometry for r in regions if r.negative]
        shapes = subtract_holes([r.geometry for r in positives], holes)
        for item, geometry in zip(positives, shapes, strict=True):
            drafts.append(
                AnnotationDraft(
                    geometry=wkt(geometry, f"line {layer.sourceline}"),
                    classification=name,
                    notes=item.notes,
                    color=colour,
                )
            )
    return drafts


def layers(drafts: Sequence[AnnotationDraft]) -> dict[str, list[AnnotationDraft]]:
    """The drafts grouped by class, in the order the classes first appear."""
    grouped: dict[str, list[AnnotationDraft]] = {}
    for draft in drafts:
        grouped.setdefault(draft.classification, []).append(draft)
    return grouped


def layer_colour(drafts: Sequence[AnnotationDraft]) -> str:
    return str(bgr_int_from_hex(drafts[0].color))


def regions_of(draft: AnnotationDraft) -> list[tuple[BaseGeometry, bool]]:
    """(shape, negative) pairs: each part of the geometry, then each of its holes."""
    found: list[tuple[BaseGeometry, bool]] = []
    for part in parts_of(shape(draft.geometry)):
        found.append((part, False))
        for ring in getattr(part, "interiors", []):
            found.append((Polygon(ring.coords), True))
    return found


def outline(geometry: BaseGeometry) -> list[tuple[float, float]]:
    if geometry.geom_type == "Polygon":
        return list(geometry.exterior.coords)[:-1]
    return list(geometry.coords)


def _description(layer: etree._Element) -> str:
    for attribute in layer.iter("Attribute"):
        if attribute.get("Name") == "Description" and attribute.get("Value"):
            return attribute.get("Value") or ""
    return ""
