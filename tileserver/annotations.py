"""The embedded tile server's annotations, as plain Python calls (like `engine`).

The PMA.core API handlers (api/annotations.py) and the studio's embedded transport both
call these. Every geometry is checked before anything is written (`pmacore.geometry`), and
a call that writes several annotations writes all of them or none.

Annotations belong to the slide's path and carry its fingerprint: when a slide has moved
or been renamed, its annotations are found again at the new path (`for_slide`), and those
made on identical copies elsewhere stay theirs (`on_copies`).

Anyone who may see a slide sees its annotations and may add some; only the author or an
administrator changes or deletes one (`NotAllowed` otherwise). Annotations that the
scanner's software saved beside the slide come last, read-only (native_annotations.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from pmacore import geometry as geo
from pmacore.errors import AnnotationNotFound, BadRequest, NotAllowed, TileServerError
from pmacore.types import Annotation, AnnotationChange, AnnotationDraft, SlideInfo
from tileserver import engine
from tileserver import native_annotations as native
from tileserver.models import Annotation as Row

DEFAULT_COLOR = "#3399CC"


class Checked(NamedTuple):
    draft: AnnotationDraft
    shape: BaseGeometry


MAX_PER_CALL = 50_000


def for_slide(path_or_uid: str) -> list[Annotation]:
    """The slide's annotations, then those of the scanner's file beside it (read-only)."""
    info = engine.slide_info(path_or_uid)
    _rehome(info)
    stored = [_value(row) for row in Row.objects.on_slide(info.path)]
    return stored + native.beside(info, engine.main_file(info.path))


def by_fingerprint(fingerprint: str) -> list[Annotation]:
    return [_value(row) for row in Row.objects.filter(fingerprint=fingerprint)]


def get(path_or_uid: str, annotation_id: int) -> Annotation:
    return _find(engine.slide_info(path_or_uid), annotation_id)


def add(user: AbstractBaseUser, path_or_uid: str, draft: AnnotationDraft) -> int:
    return save(user, path_or_uid, added=[draft])[0]


def save(
    user: AbstractBaseUser,
    path_or_uid: str,
    *,
    added: Sequence[AnnotationDraft] = (),
    updated: Sequence[tuple[int, AnnotationChange]] = (),
    deleted: Iterable[int] = (),
) -> list[int]:
    """SaveAnnotations: delete, update, add in one transaction; the new ids in `added` order."""
    deleted = list(deleted)
    if len(added) + len(updated) + len(deleted) > MAX_PER_CALL:
        raise BadRequest(f"At most {MAX_PER_CALL:,} annotations per call")
    info = engine.slide_info(path_or_uid)
    now = timezone.now()
    name = user.get_username()
    new_rows = [
        _new_row(_checked(draft, info, f"added[{i}]"), info, name, now)
        for i, draft in enumerate(added)
    ]
    with transaction.atomic():
        for annotation_id in deleted:
            _owned(user, _row(info, annotation_id)).delete()
        for annotation_id, change in updated:
            _apply(user, info, _row(info, annotation_id), change, now)
        # bulk_create sets primary keys on SQLite and PostgreSQL, in order.
        created = Row.objects.bulk_create(new_rows, batch_size=1000)
    return [row.pk for row in created]


def update(
    user: AbstractBaseUser, path_or_uid: str, annotation_id: int, change: AnnotationChange
) -> None:
    info = engine.slide_info(path_or_uid)
    with transaction.atomic():
        _apply(user, info, _row(info, annotation_id), change, timezone.now())


def delete(user: AbstractBaseUser, path_or_uid: str, annotation_id: int) -> None:
    info = engine.slide_info(path_or_uid)
    _owned(user, _row(info, annotation_id)).delete()


def delete_layer(user: AbstractBaseUser, path_or_uid: str, layer_id: int) -> int:
    """DeleteAnnotations: the layer's annotations this user may delete; how many went."""
    info = engine.slide_info(path_or_uid)
    rows = Row.objects.on_slide(info.path).filter(layer_id=layer_id)
    if not _is_admin(user):
        rows = rows.filter(created_by=user.get_username())
    count, _ = rows.delete()
    return count


def surface_area(path_or_uid: str, annotation_id: int) -> float:
    """Area in µm² (px² when the slide has no MPP)."""
    info = engine.slide_info(path_or_uid)
    shape = geo.parse(_find(info, annotation_id).geometry)
    return geo.area(shape, info.mpp_x, info.mpp_y)


def distance(path_or_uid: str, annotation_id: int) -> float:
    """Length of a line or perimeter of an area in µm (px when the slide has no MPP)."""
    info = engine.slide_info(path_or_uid)
    shape = geo.parse(_find(info, annotation_id).geometry)
    return geo.length(shape, info.mpp_x, info.mpp_y)


# --- rows ------------------------------------------------------------------------------------


def _rehome(info: SlideInfo) -> None:
    """Annotations whose slide has moved (same fingerprint, old path gone) move with it."""
    others = (
        Row.objects.filter(fingerprint=info.fingerprint)
        .exclude(slide_path=info.path)
        .values_list("slide_path", flat=True)
        .distinct()
    )
    for old_path in list(others):
        if not _exists(old_path):
            Row.objects.filter(slide_path=old_path, fingerprint=info.fingerprint).update(
                slide_path=info.path
            )


def _exists(path: str) -> bool:
    try:
        engine.resolve_slide(path)
    except TileServerError:
        return False
    return True


def _find(info: SlideInfo, annotation_id: int) -> Annotation:
    """A stored annotation or one of the scanner's file beside the slide, to read."""
    if annotation_id < 0:
        for annotation in native.beside(info, engine.main_file(info.path)):
            if annotation.id == annotation_id:
                return annotation
        raise AnnotationNotFound(f"There is no annotation {annotation_id} on {info.path}")
    return _value(_row(info, annotation_id))


def _row(info: SlideInfo, annotation_id: int) -> Row:
    """A stored annotation, to change (those of the scanner's file are read-only)."""
    native.refuse_change(annotation_id, engine.main_file(info.path))
    row = Row.objects.on_slide(info.path).filter(pk=annotation_id).first()
    if row is None:
        raise AnnotationNotFound(f"There is no annotation {annotation_id} on {info.path}")
    return row


def _is_admin(user: AbstractBaseUser) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False))


def _owned(user: AbstractBaseUser, row: Row) -> Row:
    if row.created_by != user.get_username() and not _is_admin(user):
        raise NotAllowed(f"Annotation {row.pk} is {row.created_by}'s: only they may change it")
    return row


def _checked(draft: AnnotationDraft, info: SlideInfo, where: str) -> Checked:
    """The draft with normalised colours and its shape, or BadRequest naming `where`."""
    try:
        shape = geo.parse(draft.geometry)
        geo.check_inside(shape, info.width, info.height)
        return Checked(
            replace(
                draft,
                color=geo.colour(draft.color, DEFAULT_COLOR),
                fill_color=geo.colour(draft.fill_color),
                classification=draft.classification.strip()[:200],
            ),
            shape,
        )
    except BadRequest as e:
        raise BadRequest(f"{where}: {e.message}") from None


def _new_row(checked: Checked, info: SlideInfo, name: str, now: object) -> Row:
    row = Row(
        slide_path=info.path,
        fingerprint=info.fingerprint,
        created_by=name,
        created_on=now,
        modified_by=name,
        modified_on=now,
    )
    _fill(row, checked)
    return row


def _fill(row: Row, checked: Checked) -> None:
    draft, shape = checked
    row.geometry = draft.geometry.strip()
    row.dimensions = geo.dimensions(shape)
    row.min_x, row.min_y, row.max_x, row.max_y = shape.bounds
    row.classification = draft.classification
    row.notes = draft.notes
    row.color = draft.color
    row.fill_color = draft.fill_color
    row.line_thickness = min(max(draft.line_thickness, 0), 100)
    row.layer_id = draft.layer_id


def _apply(
    user: AbstractBaseUser, info: SlideInfo, row: Row, change: AnnotationChange, now: object
) -> None:
    _owned(user, row)
    merged = AnnotationDraft(
        geometry=row.geometry if change.geometry is None else change.geometry,
        classification=row.classification
        if change.classification is None
        else change.classification,
        notes=row.notes if change.notes is None else change.notes,
        color=row.color if change.color is None else change.color,
        fill_color=row.fill_color if change.fill_color is None else change.fill_color,
        line_thickness=row.line_thickness
        if change.line_thickness is None
        else change.line_thickness,
        layer_id=row.layer_id if change.layer_id is None else change.layer_id,
    )
    _fill(row, _checked(merged, info, f"annotation {row.pk}"))
    row.modified_by = user.get_username()
    row.modified_on = now
    row.save()


def _value(row: Row) -> Annotation:
    return Annotation(
        id=row.pk,
        layer_id=row.layer_id,
        geometry=row.geometry,
        classification=row.classification,
        notes=row.notes,
        color=row.color,
        fill_color=row.fill_color,
        line_thickness=row.line_thickness,
        slide_path=row.slide_path,
        fingerprint=row.fingerprint,
        dimensions=row.dimensions,
        created_by=row.created_by,
        created_on=row.created_on,
        modified_by=row.modified_by,
        modified_on=row.modified_on,
    )
