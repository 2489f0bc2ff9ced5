"""Memory that C code frees goes back to the system (studio/lib/native_memory.py).

Each check runs in a fresh process, as a studio process starts: blocks of 256 KB are
allocated with small long-lived ones between them (as a tile's buffers sit between a
slide's caches), touched, and freed. With the allocator left as it is, glibc keeps them in
its heap; after `return_freed_memory()`, the process's resident size falls back.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
import ctypes, ctypes.util, sys
from studio.lib.native_memory import return_freed_memory
if sys.argv[1] == "tuned":
    assert return_freed_memory()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
# A block freed once raises glibc's own threshold for mapping blocks above this size.
libc.free(libc.malloc(4 << 20))
before = rss()
big, small = [], []
for _ in range(400):
    block = libc.malloc(256 * 1024)
    ctypes.memset(block, 1, 256 * 1024)
    big.append(block)
    small.append(libc.malloc(64))
for block in big:
    libc.free(block)
print(rss() - before)
"""


def kept_after_free(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_blocks_go_back_to_the_system() -> None:
    allocated = 400 * 256 * 1024
    assert kept_after_free("as-is") > allocated / 2  # the case this module is for
    assert kept_after_free("tuned") < allocated / 10
