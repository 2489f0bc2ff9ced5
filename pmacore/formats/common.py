"""What the annotation formats share: the error, colour conversions, geometry helpers."""

from __future__ import annotations

from collections.abc import Sequence

import shapely
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


def polygon_or_line(coords: Coords, where: str) -> BaseGeometry:
    """A closed outline as a Polygon, fewer than three points as a line or point."""
    points = [(float(x), float(y)) for x, y in coords]
    if not points:
        raise FormatError(f"{where}: no coordinates")
    if len(points) == 1:
        return Point(points[0])
    if len(points) == 2:
        return LineString(points)
    polygon = Polygon(points)
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    return polygon


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
