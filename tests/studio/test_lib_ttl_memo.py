"""The per-process memory of answers that may be a few seconds old."""

from __future__ import annotations

import time_machine

from studio.lib.ttl_memo import TTLMemo, forget_all


def test_an_answer_is_kept_for_its_seconds_then_forgotten() -> None:
    memo: TTLMemo[str, int] = TTLMemo(seconds=10, max_entries=10)
    with time_machine.travel(1_000_000, tick=False) as clock:
        memo.put("a", 1)
        clock.shift(9.9)
        assert memo.get("a") == 1
        clock.shift(0.2)
        assert memo.get("a") is None


def test_it_forgets_one_answer_or_all_of_every_memo() -> None:
    first: TTLMemo[str, int] = TTLMemo(seconds=10, max_entries=10)
    second: TTLMemo[str, int] = TTLMemo(seconds=10, max_entries=10)
    first.put("a", 1)
    first.put("b", 2)
    second.put("c", 3)
    first.forget("a")
    assert (first.get("a"), first.get("b")) == (None, 2)
    forget_all()
    assert (first.get("b"), second.get("c")) == (None, None)


def test_it_never_holds_more_than_its_entries() -> None:
    memo: TTLMemo[int, int] = TTLMemo(seconds=10, max_entries=3)
    for n in range(10):
        memo.put(n, n)
        assert sum(memo.get(k) is not None for k in range(10)) <= 3
    assert memo.get(9) == 9
