"""The studio's background work: a daemon thread per job, whose database connections end
with it, and a list of those still running.

    thread = background.start("regions", run, job_id)
    background.running()   # threads started here that have not finished

Duplicate scans, region extractions and copies between tile servers run this way: they go
on when the browser closes. A thread's connections are closed when it ends, since an idle
connection left in a finished thread would keep its database in use (PostgreSQL refuses to
drop a database, and counts the connection against its limit, until the process ends).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from django.db import connections

_started: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def start(name: str, work: Callable[..., object], *args: Any) -> threading.Thread:
    def run() -> None:
        try:
            work(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name, daemon=True)
    _started.add(thread)
    thread.start()
    return thread


def running() -> list[threading.Thread]:
    return [thread for thread in list(_started) if thread.is_alive()]
