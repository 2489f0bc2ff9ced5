"""What link creation asks the tile server, on behalf of the link's creator.

A link may only show what its creator can see: every slide and folder is looked up with the
creator's own tile-server session (their studio login, or the integrator's sessionID),
never with the session later used to serve the link. Blocking; raises `TileServerError`
subclasses (SlideNotFound, DirectoryNotFound, BadPath, ...) with messages fit for a user.
"""

from __future__ import annotations

from studio.tileclient.calls import call, slide_info
from studio.tileclient.principals import Principal


def slides(creator: Principal, paths_or_uids: list[str]) -> tuple[list[str], list[str]]:
    """The virtual paths of existing slides given by path or UID, and their fingerprints
    (by which a link finds a slide again after it moved)."""
    infos = [slide_info(creator, ref) for ref in paths_or_uids]
    return [info.path for info in infos], [info.fingerprint for info in infos]


def check_folder(creator: Principal, path: str) -> None:
    """Raises DirectoryNotFound unless `path` is an existing folder."""
    call(creator, lambda client, sid: client.directories(sid, path))
