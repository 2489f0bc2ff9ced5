"""Image sizes link visitors may ask for: a few buckets, so that they share cached renders.

Every distinct `w`/`h` is a render of its own (a cache miss that reads the slide): a
visitor stepping through sizes one pixel at a time could keep the tile threads busy for
everyone. Snapped up to the next bucket, forty different sizes are at most a few renders.
"""

from __future__ import annotations

BUCKETS = (64, 128, 256, 512, 1024, 2048)


def snap(side: int | None) -> int | None:
    """The smallest bucket at least `side` (None and 0 stay: "no limit" / "unspecified")."""
    if not side:
        return side
    for bucket in BUCKETS:
        if side <= bucket:
            return bucket
    return BUCKETS[-1]
