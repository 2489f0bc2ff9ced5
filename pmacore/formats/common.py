"""What the annotation formats share: the error, colour conversions, geometry helpers."""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely
from lxml import etree
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from pmacore import geometry as geo
from pmacore.errors import BadRequest

# Micrometres per pixel (x, y) of the slide, or None when it has none.
Mpp = tuple[float, float] | None
Coords = Sequence[tuple[float, float]]


class FormatError(BadRequest):
    code = "BadAnnotationFile"


def hex_from_rgb(red: int, green: int, blue: int) -> str:
    return f"#{red & 255:02X}{green & 255:02X}{blue & 255:02X}"


def hex_from_bgr_int(value: int) -> str:
    """Aperio's `LineColor`: a Windows COLORREF, 0x00BBGGRR."""
    return hex_from_rgb(value & 255, (value >> 8) & 255, (value >> 16) & 255)


def bgr_int_from_hex(value: str) -> int:
    red, green, blue = rgb_from_hex(value)
    return red | (green << 8) | (blue << 16)


def rgb_from_hex(value: str, default: tuple[int, int, int] = (0, 0, 0)) -> tuple[int, int, int]:
    if not value or not value.startswith("#") or len(value) < 7:
        return default
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def argb_int(value: int) -> str:
    """QuPath's packed colour (a signed 32-bit ARGB int)."""
    value &= 0xFFFFFFFF
    return hex_from_rgb(value >> 16, value >> 8, value)


def shape(wkt: str) -> BaseGeometry:
    return geo.parse(wkt)


def points(coords: Coords) -> BaseGeometry:
    pts = [(float(x), float(y)) for x, y in coords]
    return Point(pts[0]) if len(pts) == 1 else MultiPoint(pts)


def wkt(geometry: BaseGeometry, where: str) -> str:
    """WKT of a geometry, checked as the tile server will check it."""
    text = shapely.to_wkt(geometry, rounding_precision=-1, trim=True)
    try:
        geo.parse(text)
    except BadRequest as e:
        raise FormatError(f"{where}: {e.message}") from None
    return text


def outlines(geometry: BaseGeometry) -> list[list[tuple[float, float]]]:
    """The exterior rings (polygons), lines or points of a geometry as coordinate lists."""
    parts = getattr(geometry, "geoms", [geometry])
    found = []
    for part in parts:
        if part.geom_type == "Polygon":
            found.append(list(part.exterior.coords))
        else:
            found.append(list(part.coords))
    return found


def xml_root(text: str, root_tag: str) -> etree._Element:
    """The root element, parsed with entities, DTDs and the network off; FormatError with
    the line of a syntax error, or when the root is not `root_tag`."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as e:
        raise FormatError(f"line {e.lineno}: not well-formed XML ({e.msg})") from None
    if root.tag != root_tag:
        raise FormatError(f"line {root.sourceline}: expected <{root_tag}>, found <{root.tag}>")
    return root


def xml_text(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True).decode()


def number(element: etree._Element, name: str) -> float:
    value = element.get(name)
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FormatError(
            f"line {element.sourceline}: <{element.tag}> needs a number {name}, not {value!r}"
        ) from None
    if not math.isfinite(result):
        raise FormatError(f"line {element.sourceline}: {name} is not a finite number")
    return result


def area(coords: Coords, where: str) -> BaseGeometry:
    """A closed outline as a valid Polygon (or MultiPolygon): self-intersections drawn by
    other tools are repaired (`make_valid`), keeping only the areas."""
    points = [(float(x), float(y)) for x, y in coords]
    if len(points) < 3:
        return LineString(points) if len(points) == 2 else _point(points, where)
    polygon = Polygon(points)
    if polygon.is_valid:
        return polygon
    return valid_area(polygon, where)


def valid_area(geometry: BaseGeometry, where: str) -> BaseGeometry:
    repaired = shapely.make_valid(geometry)
    parts = [
        part
        for part in getattr(repaired, "geoms", [repaired])
        if part.geom_type in ("Polygon", "MultiPolygon") and not part.is_empty
    ]
    if not parts:
        raise FormatError(f"{where}: the outline encloses no area")
    merged = shapely.union_all(parts)
    return merged


def ellipse(x0: float, y0: float, x1: float, y1: float, segments: int = 64) -> Polygon:
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2
    return Polygon(
        [
            (
                cx + rx * math.cos(2 * math.pi * i / segments),
                cy + ry * math.sin(2 * math.pi * i / segments),
            )
            for i in range(segments)
        ]
    )


def ellipse_from_axes(ends: Sequence[tuple[float, float]], segments: int = 64) -> Polygon:
    """An ellipse given by the two ends of its major axis, then the two of its minor axis
    (as DICOM draws one), as a polygon."""
    (ax, ay), (bx, by), (cx2, cy2), (dx, dy) = ends
    cx, cy = (ax + bx) / 2, (ay + by) / 2
    major = math.hypot(bx - ax, by - ay) / 2
    minor = math.hypot(dx - cx2, dy - cy2) / 2
    angle = math.atan2(by - ay, bx - ax)
    cos, sin = math.cos(angle), math.sin(angle)
    outline = []
    for i in range(segments):
        t = 2 * math.pi * i / segments
        x, y = major * math.cos(t), minor * math.sin(t)
        outline.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
    return Polygon(outline)


def _point(points: list[tuple[float, float]], where: str) -> BaseGeometry:
    if not points:
        raise FormatError(f"{where}: no coordinates")
    return Point(points[0])


def subtract_holes(shapes: list[BaseGeometry], holes: list[BaseGeometry]) -> list[BaseGeometry]:
    """Each hole cut out of the first area that contains it (HALO's and Aperio's
    NegativeROA regions); a hole inside no area is dropped."""
    result = list(shapes)
    for hole in holes:
        for i, shape in enumerate(result):
            if shape.geom_type in ("Polygon", "MultiPolygon") and shape.contains(hole):
                result[i] = shape.difference(hole)
                break
    return result


def parts_of(geometry: BaseGeometry) -> list[BaseGeometry]:
    return list(getattr(geometry, "geoms", [geometry]))


def css_colour(value: object, default: str = "") -> str:
    """`rgb(r,g,b)`, `rgba(r,g,b,a)` or `#RRGGBB[AA]` as `#RRGGBB[AA]`."""
    if not isinstance(value, str) or not value.strip():
        return default
    text = value.strip().lower().replace(" ", "")
    if text.startswith("#"):
        try:
            return geo.colour(text, default)
        except BadRequest:
            return default
    if text.startswith(("rgb(", "rgba(")) and text.endswith(")"):
        numbers = text[text.index("(") + 1 : -1].split(",")
        try:
            red, green, blue = (int(float(n)) for n in numbers[:3])
            alpha = float(numbers[3]) if len(numbers) > 3 else None
        except ValueError:
            return default
        colour = hex_from_rgb(red, green, blue)
        if alpha is not None:
            colour += f"{round(max(0.0, min(alpha, 1.0)) * 255):02X}"
        return colour
    return default


def rgba_css(value: str) -> str:
    red, green, blue = rgb_from_hex(value)
    alpha = int(value[7:9], 16) / 255 if len(value) == 9 else 1.0
    return f"rgba({red},{green},{blue},{alpha:.3g})"
