"""DICOM Microscopy Bulk Simple Annotations (SOP class 1.2.840.10008.5.1.4.1.1.91.1), read only.

Each item of the AnnotationGroupSequence is a group of annotations of one graphic type
(POINT, POLYLINE, POLYGON, RECTANGLE, ELLIPSE) with a label, which becomes their class;
the group's property type (e.g. "Nucleus") becomes their description. Coordinates are
read when they are image coordinates (AnnotationCoordinateType "2D": column and row of the
total pixel matrix, origin at the top left, as ours); "3D" coordinates are in the slide's
millimetres, which this file alone does not map onto the slide's pixels, so such a file is
refused naming the group.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pydicom
from pydicom.errors import InvalidDicomError
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from pmacore.formats.common import FormatError, Mpp, ellipse_from_axes, wkt
from pmacore.types import AnnotationDraft

BINARY = True
SOP_CLASS = "1.2.840.10008.5.1.4.1.1.91.1"
# Points per annotation of the graphic types with a fixed count.
FIXED = {"POINT": 1, "RECTANGLE": 4, "ELLIPSE": 4}
VARIABLE = {"POLYLINE": 2, "POLYGON": 3}  # the fewest points each takes


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    raise FormatError("DICOM annotation files are read here, not written")


def is_dicom(data: bytes) -> bool:
    return data[128:132] == b"DICM"


def read(data: bytes) -> list[AnnotationDraft]:
    try:
        ds = pydicom.dcmread(io.BytesIO(data))
    except (InvalidDicomError, OSError, ValueError, EOFError) as e:
        raise FormatError(f"not a readable DICOM file ({e})") from None
    if str(ds.get("SOPClassUID", "")) != SOP_CLASS:
        raise FormatError(
            f"a DICOM file of SOP class {ds.get('SOPClassUID', 'none')}, "
            "not Microscopy Bulk Simple Annotations"
        )
    coordinates = str(ds.get("AnnotationCoordinateType", ""))
    drafts: list[AnnotationDraft] = []
    for number, group in enumerate(ds.get("AnnotationGroupSequence", []), start=1):
        where = f"annotation group {number} ({group.get('AnnotationGroupLabel', '')})"
        if coordinates != "2D":
            raise FormatError(
                f"{where}: coordinates of type {coordinates or 'none'} (the slide's "
                "millimetres) cannot be mapped onto the slide's pixels; only 2D image "
                "coordinates can"
            )
        drafts.extend(_group(group, where))
    if not drafts:
        raise FormatError("no annotation groups in the file")
    return drafts


def _group(group: pydicom.Dataset, where: str) -> list[AnnotationDraft]:
    kind = str(group.get("GraphicType", ""))
    if kind not in FIXED and kind not in VARIABLE:
        raise FormatError(f"{where}: graphic type {kind or 'none'} is not one known here")
    if "DoublePointCoordinatesData" in group:
        values = np.frombuffer(group.DoublePointCoordinatesData, dtype="<f8")
    elif "PointCoordinatesData" in group:
        values = np.frombuffer(group.PointCoordinatesData, dtype="<f4")
    else:
        raise FormatError(f"{where}: no point coordinates")
    if len(values) % 2:
        raise FormatError(f"{where}: an odd number of coordinate values")
    points = values.reshape(-1, 2).astype(float)
    count = int(group.get("NumberOfAnnotations", 0))
    starts = _starts(group, kind, count, len(points), where)
    ends = [*starts[1:], len(points)]
    label = str(group.get("AnnotationGroupLabel", ""))
    types = group.get("AnnotationPropertyTypeCodeSequence", [])
    notes = str(types[0].get("CodeMeaning", "")) if types else ""
    drafts = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        coords = [(x, y) for x, y in points[start:end]]
        shape = _shape(kind, coords, f"{where}, annotation {index}")
        geometry = wkt(shape, f"{where}, annotation {index}")
        drafts.append(AnnotationDraft(geometry=geometry, classification=label, notes=notes))
    return drafts


def _starts(group: pydicom.Dataset, kind: str, count: int, total: int, where: str) -> list[int]:
    """Where each annotation's points begin (0-based point indices)."""
    if kind in FIXED:
        size = FIXED[kind]
        if count * size != total:
            raise FormatError(
                f"{where}: {count} {kind} annotations need {count * size} points, "
                f"the file has {total}"
            )
        return [i * size for i in range(count)]
    if "LongPrimitivePointIndexList" not in group:
        raise FormatError(f"{where}: {kind} annotations without a point index list")
    # 1-based indices of the first coordinate *value* of each annotation.
    index = np.frombuffer(group.LongPrimitivePointIndexList, dtype="<u4").astype(int)
    starts = [(int(i) - 1) // 2 for i in index]
    if len(starts) != count or starts != sorted(starts) or (starts and starts[0] != 0):
        raise FormatError(f"{where}: the point index list does not match {count} annotations")
    if starts and starts[-1] >= total:
        raise FormatError(f"{where}: the point index list points past the coordinates")
    return starts


def _shape(kind: str, coords: list[tuple[float, float]], where: str) -> BaseGeometry:
    if kind == "POINT":
        return Point(coords[0])
    if kind == "RECTANGLE":
        return Polygon(coords)
    if kind == "ELLIPSE":
        return ellipse_from_axes(coords)
    if len(coords) < VARIABLE[kind]:
        raise FormatError(f"{where}: a {kind} needs at least {VARIABLE[kind]} points")
    return LineString(coords) if kind == "POLYLINE" else Polygon(coords)
