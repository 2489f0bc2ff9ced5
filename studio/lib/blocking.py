"""One thread pool per process for blocking tile-server calls made by async views.

Under ASGI, sync code wrapped by Django runs on a single shared thread; slide reads must
not queue behind each other there, so the image routes hand them to this pool instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import close_old_connections

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def tile_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.TILE_THREADS, thread_name_prefix="tiles"
            )
        return _executor


async def run_blocking(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(tile_executor(), partial(_run, func, *args, **kwargs))


def _run(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    try:
        return func(*args, **kwargs)
    finally:
        # These threads live outside Django's request cycle: close connections like it does.
        close_old_connections()
