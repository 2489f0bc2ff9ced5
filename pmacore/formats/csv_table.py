"""CSV: one row per annotation with class, notes, style, area, length and WKT.

Area is in µm² and length (perimeter of areas) in µm when the slide has an MPP, else in
pixels; the `unit` column says which. Reading needs only the `wkt` column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from pmacore import geometry as geo
from pmacore.formats.common import FormatError, Mpp
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "text/csv; charset=utf-8"
SUFFIX = ".csv"
COLUMNS = [
    "classification",
    "notes",
    "color",
    "fill_color",
    "line_thickness",
    "layer_id",
    "area",
    "length",
    "unit",
    "wkt",
]
csv.field_size_limit(geo.MAX_WKT_CHARS + 1)


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    mpp_x, mpp_y = mpp or (None, None)
    unit = "µm" if mpp else "px"
    for draft in drafts:
        shape = geo.parse(draft.geometry)
        writer.writerow(
            [
                _safe(draft.classification),
                _safe(draft.notes),
                draft.color,
                draft.fill_color,
                draft.line_thickness,
                draft.layer_id,
                f"{geo.area(shape, mpp_x, mpp_y):.4f}",
                f"{geo.length(shape, mpp_x, mpp_y):.4f}",
                unit,
                draft.geometry,
            ]
        )
    return out.getvalue()


def read(text: str) -> list[AnnotationDraft]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "wkt" not in fields:
        raise FormatError("line 1: the CSV has no wkt column")
    drafts = []
    for row in reader:
        where = f"line {reader.line_num}"

        def cell(name: str, row: dict[str, str] = row) -> str:
            return (row.get(fields.get(name, ""), "") or "").strip()

        try:
            geo.parse(cell("wkt"))
            drafts.append(
                AnnotationDraft(
                    geometry=cell("wkt"),
                    classification=cell("classification"),
                    notes=_unsafe(cell("notes")),
                    color=geo.colour(cell("color"), "#3399CC"),
                    fill_color=geo.colour(cell("fill_color")),
                    line_thickness=int(float(cell("line_thickness") or 2)),
                    layer_id=int(cell("layer_id") or 0),
                )
            )
        except ValueError as e:
            raise FormatError(f"{where}: {e}") from None
        except FormatError:
            raise
        except geo.BadRequest as e:
            raise FormatError(f"{where}: {e.message}") from None
    return drafts


def _safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _unsafe(text: str) -> str:
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@") else text
