"""Importing and exporting a slide's annotations as files, through the tile-server client.

Shared by the studio's import/export routes and the `import_annotations` /
`export_annotations` management commands. An import is all or nothing: the file is read
whole (a FormatError names the place of the first fault), then saved in one
SaveAnnotations call, which the tile server checks item by item before writing any.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmacore import formats
from pmacore.errors import BadRequest
from pmacore.types import AnnotationDraft
from studio.annotations import counts_by_class
from studio.tileclient.calls import call, slide_info
from studio.tileclient.principals import Principal


@dataclass(frozen=True)
class Upload:
    name: str
    format: str
    drafts: list[AnnotationDraft]

    def classes(self) -> list[tuple[str, int]]:
        return counts_by_class(self.drafts)


def read_upload(data: bytes, name: str, fmt: str = "") -> Upload:
    chosen = formats.format_name(fmt) if fmt else formats.detect(data, name)
    drafts = formats.read(data, chosen, name=name)
    if not drafts:
        raise formats.FormatError(f"{name}: no annotations in the file")
    return Upload(name, chosen, drafts)


def save_upload(principal: Principal, slide: str, upload: Upload) -> list[int]:
    try:
        return call(principal, lambda c, sid: c.save_annotations(sid, slide, upload.drafts))
    except BadRequest as e:
        # "added[12]: ..." is the 13th annotation of the file: say so.
        raise BadRequest(f"{upload.name}: {e.message.replace('added[', 'annotation [')}") from None


def export(principal: Principal, slide: str, fmt: str) -> formats.Export:
    info = slide_info(principal, slide)
    found = call(principal, lambda c, sid: c.annotations(sid, slide))
    mpp = (info.mpp_x, info.mpp_y) if info.mpp_x and info.mpp_y else None
    return formats.write([item.as_draft() for item in found], fmt, mpp=mpp)
