"""Python's cycle collector tuned for a server process: fewer and shorter pauses.

A collection of the oldest generation walks every object the collector tracks, and a
studio process holds about 90,000 from startup alone (Django, the apps, Twisted). Under
load such a collection stopped every request in flight for 40 to 50 ms, several times a
second: most of the tiles' p99 (bench/tiles.py --remote). What startup made lives as long
as the process, so `gc.freeze()` puts it out of the collector's sight once the server
runs; and the youngest generation is collected after 10,000 new objects instead of 700,
so the older ones are visited about fourteen times less often. Cycles are still
collected: a request's garbage a little later.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def collect_less_often() -> None:
    """Call as the process starts (see studio/server.py)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def set_startup_aside() -> None:
    """Call once the application is loaded: what exists now is never collected again."""
    gc.collect()  # startup's garbage goes first, or it would stay for good
    gc.freeze()
