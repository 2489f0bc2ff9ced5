"""Annotations a scanner's software saved beside a slide, shown read-only as its viewer does.

An Aperio ImageScope XML file with the slide's base name in the slide's folder
(`CASE-1.svs` → `CASE-1.xml`) is read as one more, read-only layer of the slide's
annotations: listed and exported with the others, measured like them, never changed or
deleted through the API (NotAllowed names the file). They get negative ids (-1, -2, …, in
file order), which no stored annotation has, layer NATIVE_LAYER, and the file as author
and date. A file that cannot be read is skipped with a warning: the slide's own
annotations must not fail because of it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from pmacore import geometry as geo
from pmacore.errors import NotAllowed, TileServerError
from pmacore.formats import aperio
from pmacore.types import Annotation, SlideInfo

logger = logging.getLogger(__name__)

NATIVE_LAYER = -1
AUTHOR = "Aperio ImageScope file"


def beside(info: SlideInfo, slide_file: Path) -> list[Annotation]:
    """The read-only annotations of the Aperio XML file beside `slide_file`, if any."""
    xml = slide_file.with_suffix(aperio.SUFFIX)
    try:
        stat = xml.stat()
    except OSError:
        return []
    return list(_read(info.path, info.fingerprint, xml, stat.st_mtime_ns, stat.st_size))


def refuse_change(annotation_id: int, slide_file: Path) -> None:
    """NotAllowed for an id of the file beside the slide (they are all negative)."""
    if annotation_id < 0:
        name = slide_file.with_suffix(aperio.SUFFIX).name
        raise NotAllowed(f"Annotation {annotation_id} comes from {name}: it is read-only")


@lru_cache(maxsize=256)
def _read(
    slide_path: str, fingerprint: str, xml: Path, mtime_ns: int, size: int
) -> tuple[Annotation, ...]:
    # Keyed by the file's size and date as well: a changed file is read again.
    try:
        drafts = aperio.read(xml.read_text(encoding="utf-8", errors="replace"))
    except (TileServerError, OSError, ValueError) as e:
        logger.warning("%s: not read as Aperio annotations: %s", xml, e)
        return ()
    when = datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC)
    return tuple(
        Annotation(
            id=-number,
            layer_id=NATIVE_LAYER,
            geometry=draft.geometry,
            classification=draft.classification,
            notes=draft.notes,
            color=draft.color,
            fill_color=draft.fill_color,
            line_thickness=draft.line_thickness,
            slide_path=slide_path,
            fingerprint=fingerprint,
            dimensions=geo.dimensions(geo.parse(draft.geometry)),
            created_by=AUTHOR,
            created_on=when,
            modified_by=AUTHOR,
            modified_on=when,
        )
        for number, draft in enumerate(drafts, start=1)
    )
