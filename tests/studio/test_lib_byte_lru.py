from __future__ import annotations

import pytest

from studio.lib.byte_lru import ByteLRU


def test_it_keeps_values_within_the_budget_in_bytes() -> None:
    lru: ByteLRU[str, bytes] = ByteLRU(100)
    for name in "abc":
        lru.put(name, name.encode() * 30, 30)
    assert lru.nbytes == 90
    assert lru.get("a") == b"a" * 30
    lru.put("d", b"d" * 30, 30)
    # Over budget: "b" was the least recently used ("a" was just read), so it goes.
    assert lru.get("b") is None
    assert [lru.get(name) is not None for name in "acd"] == [True] * 3
    assert (lru.nbytes, len(lru)) == (90, 3)


def test_a_value_larger_than_the_budget_is_not_kept() -> None:
    lru: ByteLRU[str, bytes] = ByteLRU(10)
    lru.put("small", b"x", 1)
    lru.put("huge", b"x" * 11, 11)
    assert lru.get("huge") is None
    assert lru.get("small") == b"x"


def test_putting_a_key_again_replaces_its_size() -> None:
    lru: ByteLRU[str, bytes] = ByteLRU(100)
    lru.put("a", b"1", 60)
    lru.put("a", b"2", 10)
    assert (lru.get("a"), lru.nbytes, len(lru)) == (b"2", 10, 1)


def test_a_hundred_thousand_tiles_stay_within_the_budget() -> None:
    budget = 64 * 1024 * 1024
    lru: ByteLRU[int, int] = ByteLRU(budget)
    for number in range(100_000):
        lru.put(number, number, 20_000 + number % 40_000)
    assert lru.nbytes <= budget
    assert 1_000 < len(lru) < 100_000
    assert lru.get(99_999) == 99_999 and lru.get(0) is None


def test_a_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="budget"):
        ByteLRU(-1)
