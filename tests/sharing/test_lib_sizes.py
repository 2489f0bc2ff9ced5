from __future__ import annotations

from sharing.lib.sizes import BUCKETS, snap


def test_sizes_snap_up_to_the_next_bucket() -> None:
    assert snap(1) == 64
    assert snap(64) == 64
    assert snap(65) == 128
    assert snap(240) == 256
    assert snap(5000) == BUCKETS[-1]


def test_no_size_stays_no_size() -> None:
    assert snap(None) is None
    assert snap(0) == 0


def test_a_sweep_of_sizes_is_a_few_renders() -> None:
    assert len({snap(w) for w in range(100, 2049)}) == 5
