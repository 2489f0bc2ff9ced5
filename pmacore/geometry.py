"""Annotation geometry: WKT in full-resolution pixels (origin top left, y down), checked and
measured. The tile server checks what it stores with it; the studio measures with it.

Errors are `BadRequest` with a message that says what is wrong and where, fit for a 400.
"""

from __future__ import annotations

import math
import re

import shapely
from shapely import affinity
from shapely.errors import ShapelyError
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from pmacore.errors import BadRequest

# Beyond this a single annotation is a mistake (or an attack), not a drawing.
MAX_WKT_CHARS = 4_000_000
KINDS = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
_COLOUR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def parse(wkt: object) -> BaseGeometry:
    """The geometry of a WKT string; BadRequest when it is not WKT, empty, of a kind an
    annotation cannot be, not finite, or an invalid polygon (self-intersecting, ...)."""
    if not isinstance(wkt, str) or not wkt.strip():
        raise BadRequest("The geometry must be a WKT string")
    if len(wkt) > MAX_WKT_CHARS:
        raise BadRequest(f"The geometry is longer than {MAX_WKT_CHARS:,} characters")
    try:
        geometry = shapely.from_wkt(wkt)
    except (ShapelyError, ValueError, TypeError) as e:
        raise BadRequest(f"Invalid WKT: {_first_line(e)}") from None
    if geometry is None or geometry.is_empty:
        raise BadRequest("The geometry is empty")
    if geometry.geom_type not in KINDS:
        raise BadRequest(f"An annotation cannot be a {geometry.geom_type}")
    if not all(math.isfinite(value) for value in geometry.bounds):
        raise BadRequest("The geometry has coordinates that are not finite numbers")
    if geometry.geom_type in ("Polygon", "MultiPolygon") and not geometry.is_valid:
        raise BadRequest(f"Invalid polygon: {explain_validity(geometry)}")
    return geometry


def check_inside(geometry: BaseGeometry, width: int, height: int) -> None:
    """BadRequest when the geometry lies entirely outside a slide of width by height pixels."""
    if not geometry.intersects(box(0, 0, width, height)):
        x0, y0, x1, y1 = geometry.bounds
        raise BadRequest(
            f"The geometry ({x0:g}, {y0:g}) to ({x1:g}, {y1:g}) lies entirely outside the slide "
            f"(0, 0) to ({width}, {height})"
        )


def dimensions(geometry: BaseGeometry) -> int:
    """PMA.core's `Dimensions`: 0 for points, 1 for lines, 2 for areas."""
    return int(shapely.get_dimensions(geometry))


def area(geometry: BaseGeometry, mpp_x: float | None, mpp_y: float | None) -> float:
    """Area in µm² from the slide's micrometres per pixel; in px² when it has none."""
    x, y = _scale(mpp_x, mpp_y)
    return float(geometry.area) * x * y


def length(geometry: BaseGeometry, mpp_x: float | None, mpp_y: float | None) -> float:
    """Length of a line, perimeter of an area (holes included), in µm; px without MPP."""
    x, y = _scale(mpp_x, mpp_y)
    outline = geometry.boundary if dimensions(geometry) == 2 else geometry
    if x != y:
        outline = affinity.scale(outline, x, y, origin=(0, 0))
        return float(outline.length)
    return float(outline.length) * x


def colour(value: object, default: str = "") -> str:
    """An annotation colour as `#RRGGBB` or `#RRGGBBAA` (upper case); `#RGB` is widened.
    Empty gives `default`; anything else is a BadRequest."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not _COLOUR.fullmatch(text):
        raise BadRequest(f"Unknown colour format {text[:40]!r}: use #RRGGBB or #RRGGBBAA")
    digits = text[1:].upper()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _scale(mpp_x: float | None, mpp_y: float | None) -> tuple[float, float]:
    if not mpp_x or not mpp_y:
        return 1.0, 1.0
    return float(mpp_x), float(mpp_y)


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or ["unreadable"])[0][:200]
