"""A per-process memory of answers that may be a few seconds old.

    verdicts = TTLMemo[str, str](seconds=10, max_entries=10_000)
    verdicts.put(key, value); verdicts.get(key)  # None once `seconds` have passed

For answers asked for hundreds of times a second (the image routes' login check) that
would otherwise cost a trip to a shared cache each time. The clock is `time.time`, so
tests that move it see entries expire. When full, it starts over: simpler than LRU order
and harmless for answers that are cheap to get again. `forget_all()` empties every memo of
the process (tests start from nothing).
"""

from __future__ import annotations

import time
import weakref
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


_memos: weakref.WeakSet[TTLMemo[object, object]] = weakref.WeakSet()


def forget_all() -> None:
    for memo in list(_memos):
        memo.clear()


class TTLMemo(Generic[K, V]):
    def __init__(self, seconds: float, max_entries: int) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[K, tuple[V, float]] = {}
        _memos.add(self)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if time.time() >= expires:
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries and key not in self._entries:
            self._entries.clear()
        self._entries[key] = (value, time.time() + self.seconds)

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
