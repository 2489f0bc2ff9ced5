"""The session idle timeout: a session not used for SESSION_IDLE_TIMEOUT seconds ends.

Saving the session on every request would cost a database write per page, fragment and
tile; instead a session records when it was last seen, and only when that is more than
REFRESH_SECONDS ago is it marked changed, so that it is saved with a fresh expiry. The
timeout therefore holds to within REFRESH_SECONDS. Pages (studio/middleware.py) and the
lean tile routes (studio/lean.py) both refresh: a user who only pans the viewer is active.
"""

from __future__ import annotations

SEEN_KEY = "_last_seen"
REFRESH_SECONDS = 300


def is_stale(last_seen: object, now: float) -> bool:
    """Whether a session last seen at `last_seen` (epoch seconds) needs a fresh expiry."""
    return not isinstance(last_seen, int) or now - last_seen >= REFRESH_SECONDS
