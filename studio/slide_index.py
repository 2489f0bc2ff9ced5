"""What the slide browser shows beside a slide's name, and finding slides by barcode.

A PMA.core answers GetBarcodeText one slide at a time and has no search by barcode, so the
studio keeps, per slide path, the few facts the browser needs (barcode, whether there is a
label, fingerprint) in the Django cache: shared by every process when Redis is configured,
fetched through the tile-server client (so it works the same against a remote server) only
for the slides a page shows or a search walks, and asked again after FACTS_SECONDS.

The entries are keyed by path alone: a slide's barcode does not depend on who asks. Who may
see which slide still does, so the paths always come from the asker's own listing first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from pmacore.errors import AssociatedImageNotFound, SlideNotFound, UnreadableSlide
from studio.tileclient.calls import call, folder_contents, slide_info
from studio.tileclient.principals import Principal

# A rescanned slide shows its new barcode within this long.
FACTS_SECONDS = 3600
# Folders a barcode search walks at most: a search of a whole large tree stops there.
MAX_SEARCH_FOLDERS = 5000


@dataclass(frozen=True)
class SlideFacts:
    barcode: str = ""
    has_label: bool = False
    fingerprint: str = ""


UNREADABLE = SlideFacts()


def slide_facts(principal: Principal, paths: Iterable[str]) -> dict[str, SlideFacts]:
    """The facts of each slide (one cache read for all; the missing ones are asked for)."""
    keys = {_key(path): path for path in paths}
    found = cache.get_many(list(keys))
    facts = {keys[key]: value for key, value in found.items()}
    missing = {key: path for key, path in keys.items() if key not in found}
    if missing:
        fresh = {key: _ask(principal, path) for key, path in missing.items()}
        cache.set_many(fresh, FACTS_SECONDS)
        facts.update((missing[key], value) for key, value in fresh.items())
    return facts


def slides_below(principal: Principal, folder: str) -> list[str]:
    """Every slide below `folder` (the whole tree when empty), walking folder by folder."""
    found: list[str] = []
    pending, seen = [folder], set()
    while pending and len(seen) < MAX_SEARCH_FOLDERS:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        folders, slides = folder_contents(principal, current)
        found += slides
        pending += reversed(folders)
    return found


def find_by_barcode(principal: Principal, folder: str, query: str) -> list[str]:
    """Slides below `folder` whose barcode contains `query`, ignoring case."""
    needle = query.lower()
    slides = slides_below(principal, folder)
    facts = slide_facts(principal, slides)
    return [path for path in slides if needle in facts[path].barcode.lower()]


def _ask(principal: Principal, path: str) -> SlideFacts:
    try:
        info = slide_info(principal, path)
        barcode = call(principal, lambda client, sid: client.barcode_text(sid, path))
    except (SlideNotFound, UnreadableSlide, AssociatedImageNotFound):
        return UNREADABLE
    return SlideFacts(
        barcode=barcode,
        has_label="Barcode" in info.associated_images,
        fingerprint=info.fingerprint,
    )


def _key(path: str) -> str:
    return "slide-index:facts:" + hashlib.sha256(path.encode()).hexdigest()[:40]
