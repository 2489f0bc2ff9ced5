"""Annotation files of other tools, read into drafts and written from annotations.

    drafts = read(data, name="slide.geojson")        # format detected from content and name
    export = write(drafts, "aperio", mpp=(0.25, 0.25))

Every reader gives AnnotationDrafts in full-resolution pixels (origin top left) and raises
FormatError naming the place (feature index, element, line) of the first fault; nothing is
half-read. Writers take drafts (a stored Annotation gives one with `as_draft()`). Each
format is a module of its own with `read(text)` and `write(drafts, mpp)` (`read(data)` for
a binary one, marked BINARY, which is only read: WRITABLE lists the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from pmacore.formats import aperio, asap, csv_table, dicom_ann, dsa, geojson, halo, wkt_lines
from pmacore.formats.common import FormatError, Mpp
from pmacore.types import AnnotationDraft

__all__ = ["FORMATS", "WRITABLE", "Export", "FormatError", "detect", "read", "write"]

FORMATS: dict[str, ModuleType] = {
    "geojson": geojson,
    "aperio": aperio,
    "halo": halo,
    "asap": asap,
    "dsa": dsa,
    "csv": csv_table,
    "wkt": wkt_lines,
    "dicom": dicom_ann,
}
# The formats written as well as read (a DICOM annotation file is only read).
WRITABLE = [name for name, module in FORMATS.items() if not getattr(module, "BINARY", False)]
# What users call them (the import dialog's choices).
FORMAT_LABELS = {
    "geojson": "QuPath GeoJSON",
    "aperio": "Aperio ImageScope XML",
    "halo": "HALO XML",
    "asap": "ASAP XML",
    "dsa": "DSA / HistomicsUI JSON",
    "csv": "CSV",
    "wkt": "WKT, one per line",
    "dicom": "DICOM bulk annotations",
}
# ExportAnnotations' `format` numbers (pma_python's constants): 1 Indica Labs (HALO),
# 2 Pathomation, 3 Aperio/XML, 4 CSV; 0 (Visiopharm) is not written here.
PMA_EXPORT_FORMATS = {"1": "halo", "2": "geojson", "3": "aperio", "4": "csv"}
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Export:
    data: bytes
    content_type: str
    suffix: str


def format_name(value: str) -> str:
    """A format by our name or PMA.core's number; FormatError for anything else."""
    name = PMA_EXPORT_FORMATS.get(value.strip(), value.strip().lower())
    if name not in FORMATS:
        known = ", ".join(FORMATS)
        raise FormatError(f"Unknown annotation format {value!r}: use one of {known}")
    return name


def detect(data: bytes, name: str = "") -> str:
    """The format of a file from its first bytes (and its name where they do not tell)."""
    if dicom_ann.is_dicom(data):
        return "dicom"
    head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    suffix = name.lower().rpartition(".")[2] if "." in name else ""
    if head.startswith("<"):
        if "<asap_annotations" in head:
            return "asap"
        if "<annotations" in head:
            # Aperio's vertices are <Vertex>, HALO's <V>.
            if "<vertex " in head or "micronsperpixel" in head:
                return "aperio"
            if "<v " in head or suffix == "annotations":
                return "halo"
        raise FormatError(f"{name or 'The file'}: an XML file of no annotation format known here")
    if head.startswith(("{", "[")):
        if '"elements"' in data[:200_000].decode("utf-8", "replace"):
            return "dsa"
        return "geojson"
    if suffix in FORMATS:
        return suffix
    if head.startswith(("polygon", "point", "linestring", "multi")):
        return "wkt"
    if "wkt" in head.partition("\n")[0]:
        return "csv"
    raise FormatError(f"{name or 'The file'}: cannot tell its annotation format; name it")


def read(data: bytes, fmt: str | None = None, *, name: str = "") -> list[AnnotationDraft]:
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"{name or 'The file'} is larger than {MAX_FILE_BYTES >> 20} MiB")
    fmt = format_name(fmt) if fmt else detect(data, name)
    module = FORMATS[fmt]
    try:
        if getattr(module, "BINARY", False):
            return module.read(data)
    except FormatError as e:
        raise FormatError(f"{name}: {e.message}" if name else e.message) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        return module.read(text)
    except FormatError as e:
        raise FormatError(f"{name}: {e.message}" if name else e.message) from None


def write(drafts: Sequence[AnnotationDraft], fmt: str, *, mpp: Mpp = None) -> Export:
    module = FORMATS[format_name(fmt)]
    return Export(module.write(drafts, mpp).encode(), module.CONTENT_TYPE, module.SUFFIX)
