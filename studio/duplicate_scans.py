"""Duplicate scans started from the admin page: one at a time, in the background, with progress.

    start_scan(user_id)   # False when a scan is already running (in any process)
    scan_state()          # {"running", "slides", "unreadable", "error", "started", "finished"}

The scan itself is `studio.duplicates.scan`, run as the admin who asked (their own
tile-server session embedded, the service account remote). Its state lives in the shared
cache, so whichever process serves the admin page shows it. "Running" is a lock taken with
an atomic `cache.add` and refreshed as the scan goes: two clicks start one scan, and a scan
whose process died lets go of it after STALE_SECONDS.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache

from pmacore.errors import TileServerError
from studio.duplicates import scan
from studio.lib import background
from studio.tileclient.principals import OwnerPrincipal

logger = logging.getLogger(__name__)

STATE_KEY = "studio:duplicate-scan"
LOCK_KEY = "studio:duplicate-scan:running"
STATE_SECONDS = 7 * 24 * 3600  # the last scan's outcome stays on the page for a week
STALE_SECONDS = 120
PROGRESS_EVERY = 50  # slides between two updates of the shared state


def scan_state() -> dict[str, Any]:
    state = cache.get(STATE_KEY) or {"running": False}
    if state["running"] and cache.get(LOCK_KEY) is None:
        state = {**state, "running": False, "error": "The scan stopped (its process ended)."}
    return state


def start_scan(user_id: int) -> bool:
    """Start a scan of every slide as user `user_id`, unless one is running already."""
    now = time.time()
    if not cache.add(LOCK_KEY, now, STALE_SECONDS):
        return False
    state = {
        "running": True,
        "slides": 0,
        "unreadable": 0,
        "error": "",
        "started": now,
        "finished": None,
    }
    cache.set(STATE_KEY, state, STATE_SECONDS)
    background.start("duplicate-scan", _run, user_id, state)
    return True


def _run(user_id: int, state: dict[str, Any]) -> None:
    def progress(slides: int) -> None:
        if slides % PROGRESS_EVERY == 0:
            _save(state, slides=slides)

    try:
        result = scan(OwnerPrincipal(user_id), progress=progress)
        _save(state, slides=result.slides, unreadable=len(result.unreadable))
    except TileServerError as e:
        _save(state, error=e.message)
    except Exception:
        logger.exception("duplicate scan failed")
        _save(state, error="The scan failed; the server log says why.")
    finally:
        _save(state, running=False, finished=time.time())
        cache.delete(LOCK_KEY)


def _save(state: dict[str, Any], **changes: Any) -> None:
    state.update(changes)
    cache.set(STATE_KEY, state, STATE_SECONDS)
    cache.touch(LOCK_KEY, STALE_SECONDS)
