"""What a folder link's page lists: only what really lies inside the shared folder.

    folders, slides = visible_contents(share, owner, folder)   # TileServerError passes on

A symlinked folder or slide inside the shared folder may lead elsewhere on the tile server.
The image routes refuse such slides by their real location (`access.check_real_location`);
the listing hides them too, so their names never reach a visitor:

- a slide is listed when the tile server places it inside the share (`SlideInfo.path`,
  symlinks followed). Its routes would fetch the same slide info at once, so listing it
  costs no extra tile-server work. A slide the tile server cannot read stays listed by
  name: its page says why it cannot be shown, and no image of it is served.
- a sub-folder is listed unless the first slide found in it (a bounded search) lies outside
  the share: the PMA.core API does not say where a folder really is, but its slides do.
  The answer is cached per link and folder for a minute.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from pmacore.errors import TileServerError
from sharing.lib.paths import is_inside
from sharing.models import Share
from studio.tileclient.calls import folder_contents, slide_info
from studio.tileclient.principals import OwnerPrincipal

PROBE_CALLS = 8  # folder listings one sub-folder's probe may cost at most
PROBE_SECONDS = 60


def visible_contents(
    share: Share, owner: OwnerPrincipal, folder: str
) -> tuple[list[str], list[str]]:
    """Sub-folders and slides of `folder` that really lie inside the shared folder."""
    folders, slides = folder_contents(owner, folder)
    return (
        [path for path in folders if not leads_outside(share, owner, path)],
        [path for path in slides if _slide_inside(share, owner, path) is not False],
    )


def leads_outside(share: Share, owner: OwnerPrincipal, folder: str) -> bool:
    """Whether the folder `folder` of the share really lies elsewhere (a symlink out)."""
    if folder == share.path:
        return False
    key = _probe_key(share, folder)
    outside = cache.get(key)
    if outside is None:
        outside = _first_slide_outside(share, owner, folder)
        cache.set(key, outside, PROBE_SECONDS)
    return outside


def _first_slide_outside(share: Share, owner: OwnerPrincipal, folder: str) -> bool:
    # Depth first, a folder's own slides before its sub-folders, at most PROBE_CALLS folders.
    pending = [folder]
    for _ in range(PROBE_CALLS):
        if not pending:
            break
        subfolders, slides = folder_contents(owner, pending.pop())
        for path in slides:
            inside = _slide_inside(share, owner, path)
            if inside is not None:
                return not inside
        pending.extend(reversed(subfolders))
    return False


def _slide_inside(share: Share, owner: OwnerPrincipal, path: str) -> bool | None:
    """Whether the slide really lies inside the share; None when it cannot be read."""
    try:
        return is_inside(share.path, slide_info(owner, path).path)
    except TileServerError as e:
        if e.status >= 500:
            raise  # the tile server is in trouble: the page says so, rather than guessing
        return None


def _probe_key(share: Share, folder: str) -> str:
    digest = hashlib.sha256(f"{share.pk}\n{folder}".encode()).hexdigest()[:40]
    return "sharing:folder-outside:" + digest
