"""A slide's annotations as the browser gets them, shared by every route that hands them out.

The studio's own routes (studio/views/annotations.py), the share links' (read-only) and the
annotations panel each decide who may see a slide and on whose behalf (a principal), then
call these. Measures come from the slide's MPP: µm² and µm, or px² and px without one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse, JsonResponse

from pmacore import geometry as geo
from pmacore.errors import BadRequest, TileServerError
from pmacore.types import Annotation, AnnotationDraft, SlideInfo
from studio.serving import text_response
from studio.tileclient.calls import acall, aslide_info
from studio.tileclient.principals import Principal


def unit(info: SlideInfo) -> str:
    return "µm" if info.mpp_x and info.mpp_y else "px"


def annotation_json(item: Annotation, info: SlideInfo) -> dict[str, Any]:
    """One annotation for the browser; text stays text (the page escapes it)."""
    try:
        shape = geo.parse(item.geometry)
        area = geo.area(shape, info.mpp_x, info.mpp_y)
        length = geo.length(shape, info.mpp_x, info.mpp_y)
        bounds = list(shape.bounds)
    except BadRequest:
        # A remote server may hold geometry we would not have accepted: show, do not measure.
        area, length, bounds = 0.0, 0.0, None
    return {
        "id": item.id,
        "geometry": item.geometry,
        "classification": item.classification,
        "notes": item.notes,
        "color": item.color,
        "fill_color": item.fill_color,
        "line_thickness": item.line_thickness,
        "layer_id": item.layer_id,
        "dimensions": item.dimensions,
        "area": round(area, 3),
        "length": round(length, 3),
        "bounds": bounds,
        "slide": item.slide_path,
        "created_by": item.created_by,
        "created_on": item.created_on.isoformat(),
        "modified_by": item.modified_by,
        "modified_on": item.modified_on.isoformat(),
        # The embedded tile server's layer of the scanner's own file (negative ids).
        "read_only": item.id < 0,
    }


def counts_by_class(items: Sequence[Annotation | AnnotationDraft]) -> list[tuple[str, int]]:
    counts = Counter(item.classification or "" for item in items)
    return sorted(counts.items(), key=lambda pair: (pair[0] == "", pair[0].lower()))


def annotation_groups(
    items: Sequence[Annotation], info: SlideInfo, *, first: int | None = None
) -> list[dict[str, Any]]:
    """Annotations per class (classes by name, the unclassified last), each measured; with
    `first`, only the first so many of each class are listed (and measured), and `more`
    says how many are left (a slide may carry tens of thousands)."""
    groups: dict[str, list[Annotation]] = {}
    for item in items:
        groups.setdefault(item.classification, []).append(item)
    return [
        {
            "name": name,
            "count": count,
            "annotations": [annotation_json(item, info) for item in groups[name][:first]],
            "more": max(0, count - first) if first is not None else 0,
        }
        for name, count in counts_by_class(items)
    ]


async def serve_annotations(
    principal: Principal,
    slide: str,
    *,
    editable: bool,
    copies: bool = False,
    public_name: str | None = None,
) -> HttpResponse:
    """The slide's annotations (or, with `copies`, those of its identical copies elsewhere).

    With `public_name` (share links) the slide is named by it and no internal path is sent.
    """
    try:
        info = await aslide_info(principal, slide)
        if copies:
            found = await acall(
                principal, lambda c, sid: c.annotations_by_fingerprint(sid, info.fingerprint)
            )
            found = [item for item in found if item.slide_path != info.path]
        else:
            found = await acall(principal, lambda c, sid: c.annotations(sid, slide))
    except TileServerError as e:
        return text_response(e.status, e.message)
    items = [annotation_json(item, info) for item in found]
    if public_name is not None:
        for item in items:
            del item["slide"]
    response = JsonResponse(
        {
            "slide": info.path if public_name is None else public_name,
            "unit": unit(info),
            "editable": editable,
            "annotations": items,
        }
    )
    response["Cache-Control"] = "private, no-cache"
    return response
