"""Who an integrator is: the user behind a tile-server session ID.

The embedded tile server keeps its sessions in this database. For a remote tile server
this is the one function to replace with a check against that server.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from tileserver.models import ApiSession


def user_for_tile_session(session_id: str) -> AbstractBaseUser | None:
    """The active user owning the live tile-server session `session_id`, or None."""
    session = ApiSession.lookup(session_id)
    return session.user if session is not None else None
