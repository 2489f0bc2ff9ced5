"""Thread pools per process for blocking tile-server calls made by async views.

Under ASGI, sync code wrapped by Django runs on a single shared thread; slide reads must
not queue behind each other there, so the image routes hand them to these pools instead:
tiles and quick calls to `run_blocking` (TILE_THREADS), images made to measure (thumbnails,
labels, macros) to `run_rendering` (RENDER_THREADS), so that however many of those are
asked for, tiles keep flowing.
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
_executors: dict[str, ThreadPoolExecutor] = {}


def executor(name: str) -> ThreadPoolExecutor:
    """The pool `name` ("tiles" or "renders") of this process, made on first use."""
    with _lock:
        if name not in _executors:
            threads = settings.TILE_THREADS if name == "tiles" else settings.RENDER_THREADS
            _executors[name] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        return _executors[name]


async def run_blocking(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor("tiles"), partial(_run, func, *args, **kwargs))


async def run_rendering(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor("renders"), partial(_run, func, *args, **kwargs))


def _run(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    try:
        return func(*args, **kwargs)
    finally:
        # These threads live outside Django's request cycle: close connections like it does.
        close_old_connections()
