"""Memory that C libraries free goes back to the system, so a process's size follows its caches.

OpenSlide, libjpeg and Pillow allocate a few hundred KB per tile and free it again at
once. glibc keeps such freed blocks in per-thread arenas for reuse, and with eight tile
threads a process grew 115 MB beyond its two caches over 100,000 tiles
(`bench/memory.py`). Blocks from 128 KB up are mapped and unmapped instead, and at most
two arenas are kept: 1.13 instead of 1.44 of the budget after 40,000 tiles, at no cost
in tiles per second that the benchmark could see.
"""

from __future__ import annotations

import ctypes
import ctypes.util

# mallopt parameters (glibc's malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MAPPED_FROM_BYTES = 128 * 1024
ARENAS = 2


def return_freed_memory() -> bool:
    """Tune glibc's allocator for this process; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MAPPED_FROM_BYTES)) and bool(mallopt(M_ARENA_MAX, ARENAS))
