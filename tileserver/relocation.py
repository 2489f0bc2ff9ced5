"""Slides found again by fingerprint: where a slide that was moved or renamed is now.

    paths = slides_with_fingerprint(fingerprint)

First the fingerprints already computed (`SlideFingerprint`): each path that still holds
a slide of that fingerprint. When none does (the slide moved and nobody opened it at its
new place yet), the slides below the roots are walked without opening any: only those whose
files add up to a size the fingerprint was seen with are opened and fingerprinted (and
remembered, so the next search finds them at once). A fingerprint never seen finds nothing.
A walk that found nothing is not repeated for that fingerprint for MISSING_SECONDS: any
API session may ask, and each walk lists every folder and sizes every slide.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from pmacore.errors import TileServerError
from tileserver import engine
from tileserver.models import SlideFingerprint

MISSING_SECONDS = 60


def slides_with_fingerprint(fingerprint: str) -> list[str]:
    """Virtual paths of the slides whose content has this fingerprint, naturally sorted."""
    known = SlideFingerprint.objects.filter(fingerprint=fingerprint)
    sizes = set(known.values_list("size", flat=True))
    if not sizes:
        return []
    checked = set(known.values_list("path", flat=True))
    found = [path for path in checked if _fingerprint(path) == fingerprint]
    if not found and not cache.get(missing := _missing_key(fingerprint)):
        found = [
            path
            for path in engine.find_slides("", "")
            if path not in checked and _size(path) in sizes and _fingerprint(path) == fingerprint
        ]
        if not found:
            cache.set(missing, True, MISSING_SECONDS)
    return sorted(found, key=engine.natural_key)


def _fingerprint(path: str) -> str:
    try:
        return engine.fingerprint(path)
    except TileServerError:  # gone, or not a slide (any more)
        return ""


def _size(path: str) -> int:
    try:
        return sum(file.size for file in engine.slide_files(path))
    except (TileServerError, OSError):
        return -1


def _missing_key(fingerprint: str) -> str:
    return "tileserver:fingerprint-missing:" + hashlib.sha256(fingerprint.encode()).hexdigest()
