"""Slides that exist more than once: the same fingerprint at several paths.

A scan walks the tile server's folders through the client (either transport) and records
each slide's fingerprint, size and date in `KnownSlide`; the admin page, the
`find_duplicates` command and the slide browser read the groups from there. The tile server
keeps fingerprints per file version (the embedded one in `SlideFingerprint`), so a rescan
reads no slide whose files did not change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pmacore.errors import SlideNotFound, UnreadableSlide
from studio.models import KnownSlide
from studio.slide_index import slides_below
from studio.tileclient.calls import call
from studio.tileclient.principals import Principal

BATCH = 500


@dataclass
class Scan:
    slides: int = 0
    unreadable: list[str] = field(default_factory=list)


def scan(
    principal: Principal, folder: str = "", *, progress: Callable[[int], object] = lambda n: None
) -> Scan:
    """Record every slide below `folder`; forget slides below it that are gone."""
    result = Scan()
    now = timezone.now()
    batch: list[KnownSlide] = []
    for path in slides_below(principal, folder):
        try:
            info = call(principal, lambda client, sid, path=path: client.slide_info(sid, path))
        except (SlideNotFound, UnreadableSlide):
            result.unreadable.append(path)
            continue
        batch.append(
            KnownSlide(
                path=path,
                fingerprint=info.fingerprint,
                size=info.physical_size,
                last_modified=info.last_modified,
                seen_on=now,
            )
        )
        result.slides += 1
        progress(result.slides)
        if len(batch) >= BATCH:
            _record(batch)
            batch = []
    _record(batch)
    with transaction.atomic():
        below = KnownSlide.objects.all()
        if folder:
            below = below.filter(path__startswith=folder.rstrip("/") + "/")
        below.exclude(seen_on=now).delete()
    return result


def _record(batch: list[KnownSlide]) -> None:
    # One statement per batch: a row-by-row write costs a commit per slide on SQLite.
    KnownSlide.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["fingerprint", "size", "last_modified", "seen_on"],
    )


def groups() -> list[list[KnownSlide]]:
    """Slides sharing a fingerprint, each group sorted by path, groups by their first path."""
    by_fingerprint: dict[str, list[KnownSlide]] = defaultdict(list)
    for slide in KnownSlide.objects.with_copies():
        by_fingerprint[slide.fingerprint].append(slide)
    return sorted(by_fingerprint.values(), key=lambda group: group[0].path)


def copies_of(paths_and_fingerprints: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """For each given slide, the other paths where the last scan saw its fingerprint (one
    query for all)."""
    wanted = dict(paths_and_fingerprints)
    places: dict[str, list[str]] = defaultdict(list)
    rows = KnownSlide.objects.filter(fingerprint__in=set(wanted.values()) - {""})
    for fingerprint, path in rows.values_list("fingerprint", "path"):
        places[fingerprint].append(path)
    return {
        path: [other for other in places.get(fingerprint, []) if other != path]
        for path, fingerprint in wanted.items()
    }
