"""Wrong-password throttling per (share, client address), kept in the Django cache.

The cache is shared by every process when REDIS_URL is set, so the limit holds across
workers. A window opens with the first wrong password and lasts WINDOW_SECONDS.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _keys(share_id: int, ip: str | None) -> tuple[str, str]:
    client = hashlib.sha256((ip or "unknown").encode()).hexdigest()[:24]
    base = f"sharing:unlock:{share_id}:{client}"
    return base + ":count", base + ":since"


def minutes_blocked(share_id: int, ip: str | None) -> int:
    """Minutes until this client may try again; 0 if it may try now."""
    count_key, since_key = _keys(share_id, ip)
    if (cache.get(count_key) or 0) < MAX_FAILURES:
        return 0
    since = cache.get(since_key)
    if since is None:
        return 1  # The window is closing this very moment.
    return max(1, math.ceil((since + WINDOW_SECONDS - time.time()) / 60))


def record_failure(share_id: int, ip: str | None) -> None:
    count_key, since_key = _keys(share_id, ip)
    cache.add(since_key, time.time(), WINDOW_SECONDS)
    cache.add(count_key, 0, WINDOW_SECONDS)
    try:
        cache.incr(count_key)
    except ValueError:
        # The window closed between add and incr: this failure opens a new one.
        cache.set(count_key, 1, WINDOW_SECONDS)


def reset(share_id: int, ip: str | None) -> None:
    cache.delete_many(_keys(share_id, ip))
