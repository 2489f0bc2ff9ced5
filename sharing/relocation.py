"""Slides of a link that moved: found again by fingerprint, and the link follows them.

    path, info = located(share, path)         # where the link's slide is now, and its info
    path, info = await alocated(share, path)  # the same for the async image routes

A slide or grid link records each slide's fingerprint when it is made. When a slide's path
no longer names a slide, the tile server is asked, on behalf of the link's owner, where the
slides with that fingerprint are now. The nearest to the old path wins (same folder, then
same file name), the link names it from then on (`do_follow`) and its owner sees the move in
the shared-links panel. SlideMissing when it is found nowhere the owner can see, when the
tile server cannot say (a PMA.core has no such call) or for a link made before fingerprints
were recorded and not opened since (a page view records them, `do_note_fingerprint`): the
page then says that the slide was moved or removed. A search that found
nothing is not repeated for LOST_SECONDS (each may cost the tile server a walk of its
folders).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from pmacore.errors import NotSupported, TileServerError
from pmacore.types import SlideInfo
from sharing.actions import do_follow
from sharing.models import Share
from studio.lib.blocking import run_blocking
from studio.lib.paths import basename
from studio.tileclient.calls import aslide_info, call, slide_info
from studio.tileclient.principals import OwnerPrincipal

LOST_SECONDS = 60


class SlideMissing(Exception):
    """A slide of the link is gone and was not found again."""


def located(share: Share, path: str) -> tuple[str, SlideInfo]:
    """The path and info of the link's slide named `path`: found again if it moved (slide
    and grid links; a folder link's slides are named by their place in the folder)."""
    owner = OwnerPrincipal(share.owner_id)
    try:
        return path, slide_info(owner, path)
    except TileServerError as e:
        if share.kind == Share.Kind.FOLDER or not _is_gone(e):
            raise
    path = found_again(share, path)
    return path, slide_info(owner, path)


async def alocated(share: Share, path: str) -> tuple[str, SlideInfo]:
    """`located` for async views."""
    owner = OwnerPrincipal(share.owner_id)
    try:
        return path, await aslide_info(owner, path)
    except TileServerError as e:
        if share.kind == Share.Kind.FOLDER or not _is_gone(e):
            raise
    # On the tile threads: the search may walk every folder, and Django's sync code shares
    # one thread that it would hold up meanwhile (studio/lib/blocking.py).
    path = await run_blocking(found_again, share, path)
    return path, await aslide_info(owner, path)


def _is_gone(error: TileServerError) -> bool:
    """Whether a tile-server error says that a slide's path names nothing (any more)."""
    return error.status == 404


def found_again(share: Share, path: str) -> str:
    """Where the link's slide that was at `path` is now; the link follows it there."""
    if path not in share.slide_paths:
        raise SlideMissing(path)
    fingerprint = share.fingerprint_of(share.slide_paths.index(path))
    lost = _lost_key(share, path)
    if not fingerprint or cache.get(lost):
        raise SlideMissing(path)
    owner = OwnerPrincipal(share.owner_id)
    try:
        candidates = call(owner, lambda client, sid: client.slides_by_fingerprint(sid, fingerprint))
    except NotSupported:
        candidates = []
    for candidate in sorted((p for p in candidates if p != path), key=_nearest_to(path)):
        try:
            info = slide_info(owner, candidate)
        except TileServerError as e:
            if e.status >= 500:
                raise
            continue  # gone again, or not the owner's to see
        if info.fingerprint == fingerprint:
            do_follow(share, path, info.path)
            return info.path
    cache.set(lost, True, LOST_SECONDS)
    raise SlideMissing(path)


def _nearest_to(path: str) -> Callable[[str], tuple[bool, bool, str]]:
    folder, name = path.rpartition("/")[0], basename(path)

    def key(candidate: str) -> tuple[bool, bool, str]:
        return (candidate.rpartition("/")[0] != folder, basename(candidate) != name, candidate)

    return key


def _lost_key(share: Share, path: str) -> str:
    digest = hashlib.sha256(f"{share.pk}\n{path}".encode()).hexdigest()[:40]
    return "sharing:slide-lost:" + digest
