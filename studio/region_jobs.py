"""Region extractions started from the studio: in the background, with progress.

    job = start(user_id, slide, [annotation ids])   # None while this user has one running
    state(job, user_id)                             # None for another user's job

The extraction itself is the tile server's (`TileClient.extract_regions`), run as the user
who asked (their own tile-server session embedded). It goes on when the browser closes;
its state lives in the shared cache for a day, so any studio process answers how far it
got: {"running", "done", "total", "slides", "error"}. One job per user at a time: a long
extraction should not be started twice by an impatient click.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

from pmacore.errors import TileServerError
from studio.lib import background
from studio.tileclient.calls import call
from studio.tileclient.principals import OwnerPrincipal

logger = logging.getLogger(__name__)

STATE_SECONDS = 24 * 3600
RUNNING_SECONDS = 120  # a job whose process died frees its user after this long


def start(user_id: int, slide: str, annotation_ids: Sequence[int]) -> str | None:
    if not cache.add(_running_key(user_id), 1, RUNNING_SECONDS):
        return None
    job = secrets.token_urlsafe(12)
    progress = {
        "user": user_id,
        "slide": slide,
        "running": True,
        "done": 0,
        "total": 0,
        "slides": [],
        "error": "",
    }
    _save(job, progress)
    background.start("regions", _run, job, progress, list(annotation_ids))
    return job


def state(job: str, user_id: int) -> dict[str, Any] | None:
    found = cache.get(_state_key(job))
    if found is None or found["user"] != user_id:
        return None
    return {key: value for key, value in found.items() if key != "user"}


def _run(job: str, progress: dict[str, Any], annotation_ids: list[int]) -> None:
    user_id, slide = progress["user"], progress["slide"]

    def report(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            _save(job, progress, done=done, total=total)
            cache.touch(_running_key(user_id), RUNNING_SECONDS)

    try:
        written = call(
            OwnerPrincipal(user_id),
            lambda client, sid: client.extract_regions(sid, slide, annotation_ids, report),
        )
        _save(job, progress, slides=written)
    except TileServerError as e:
        _save(job, progress, error=e.message)
    except Exception:
        logger.exception("region extraction failed")
        _save(job, progress, error="The extraction failed; the server log says why.")
    finally:
        _save(job, progress, running=False)
        cache.delete(_running_key(user_id))


def _save(job: str, progress: dict[str, Any], **changes: Any) -> None:
    progress.update(changes)
    cache.set(_state_key(job), progress, STATE_SECONDS)


def _state_key(job: str) -> str:
    return "studio:regions:" + job


def _running_key(user_id: int) -> str:
    return f"studio:regions:running:{user_id}"
