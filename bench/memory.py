"""A studio process's memory after 100,000 distinct tiles: bounded in bytes, not entries.

Makes two sets of demo slides (seeds 0 and 1: different pixels, so different fingerprints
and different cache keys; 104,562 tiles over all levels), starts one studio process with
IMAGE_CACHE_BYTES and OPENSLIDE_CACHE_BYTES set, logs in like a browser, and asks for
every tile of every slide at every level once, at concurrency 16, printing the process's
resident memory (VmRSS) after each 10,000 tiles. The goal is printed last: RSS after
100,000 tiles within the budget, that is the process's RSS with every slide open plus the
two caches' budgets.

    python bench/memory.py [--image-cache-mb 64] [--openslide-cache-mb 64] [--tiles 100000]

Prints a table; nothing here asserts a size.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.tiles import PYTHON, Studio, max_zoom, run_load  # noqa: E402

SLIDES = ROOT / "var" / "bench-slides"
CHUNK = 10_000
MB = 1024 * 1024


def demo_slides() -> Path:
    """Two demo sets under one root, made once and kept for later runs."""
    for seed in (0, 1):
        target = SLIDES / f"seed{seed}"
        if not target.exists():
            subprocess.run(
                [
                    PYTHON,
                    str(ROOT / "manage.py"),
                    "make_demo_slides",
                    str(target),
                    f"--seed={seed}",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return SLIDES


def every_tile(studio: Studio, cookie: str, root: Path) -> list[str]:
    """The URL of every tile at every level of every SVS slide under `root`."""
    import openslide

    urls = []
    for file in sorted(root.rglob("*.svs")):
        path = file.relative_to(root).as_posix()
        width, height = openslide.OpenSlide(file).dimensions
        top = max_zoom(width, height, 256)
        fingerprint = studio.fingerprint(cookie, path)
        quoted = requests.utils.quote(path, safe="")
        for z in range(top + 1):
            scale = 256 * 2 ** (top - z)
            for y in range(math.ceil(height / scale)):
                for x in range(math.ceil(width / scale)):
                    urls.append(f"/tiles/{fingerprint}/{z}/{x}_{y}.jpg?slide={quoted}")
    return urls


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image-cache-mb", type=int, default=64, help="IMAGE_CACHE_BYTES")
    parser.add_argument("--openslide-cache-mb", type=int, default=64, help="OPENSLIDE_CACHE_BYTES")
    parser.add_argument("--tiles", type=int, default=100_000)
    args = parser.parse_args()

    root = demo_slides()
    caches = {
        "IMAGE_CACHE_BYTES": str(args.image_cache_mb * MB),
        "OPENSLIDE_CACHE_BYTES": str(args.openslide_cache_mb * MB),
    }
    budget = sum(int(v) for v in caches.values())
    studio = Studio(root, 1, caches)
    try:
        cookie = studio.login()
        urls = every_tile(studio, cookie, root)[: args.tiles]
        pid = studio.processes[0].pid
        sizes = ", ".join(f"{k} {int(v) // MB} MiB" for k, v in caches.items())
        print(f"{len(urls):,} distinct tiles; {sizes}\n", flush=True)
        # Every slide has been opened for its viewer page: what grows from here is what
        # tiles cost.
        baseline = rss(pid)
        print(f"{'tiles asked':>12} {'RSS MiB':>9} {'tiles/s':>9} {'errors':>7}")
        print(f"{0:>12} {baseline / MB:>9.0f}", flush=True)
        with ProcessPoolExecutor(1) as client:
            for start in range(0, len(urls), CHUNK):
                chunk = urls[start : start + CHUNK]
                seconds, _, errors = client.submit(
                    run_load, studio.port, chunk, cookie, 16
                ).result()
                now = rss(pid)
                done = start + len(chunk)
                print(
                    f"{done:>12,} {now / MB:>9.0f} {len(chunk) / seconds:>9.0f} {errors:>7}",
                    flush=True,
                )
        final = rss(pid)
    finally:
        studio.stop()
    limit = baseline + budget
    print("\ngoal, measured in this run:")
    print(
        f"  RSS after {len(urls):,} tiles: {final / MB:.0f} MiB, "
        f"{final / limit:.2f} of the budget ({limit / MB:.0f} MiB: RSS with every slide "
        f"open, before any tile, plus both caches) (goal <= 1)"
    )


if __name__ == "__main__":
    main()
