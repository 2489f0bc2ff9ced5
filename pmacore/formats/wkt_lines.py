"""WKT: one geometry per line. WKT has no classes; a line `class<TAB>WKT` is read too."""

from __future__ import annotations

from collections.abc import Sequence

from pmacore import geometry as geo
from pmacore.errors import BadRequest
from pmacore.formats.common import FormatError, Mpp
from pmacore.types import AnnotationDraft

CONTENT_TYPE = "text/plain; charset=utf-8"
SUFFIX = ".wkt"


def write(drafts: Sequence[AnnotationDraft], mpp: Mpp = None) -> str:
    return "".join(draft.geometry.replace("\n", " ") + "\n" for draft in drafts)


def read(text: str) -> list[AnnotationDraft]:
    drafts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        classification, _, wkt = line.rpartition("\t")
        try:
            geo.parse(wkt)
        except BadRequest as e:
            raise FormatError(f"line {number}: {e.message}") from None
        drafts.append(AnnotationDraft(geometry=wkt.strip(), classification=classification.strip()))
    return drafts
