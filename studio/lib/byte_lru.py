"""A least-recently-used map bounded in bytes, not entries.

Tiles vary from a few hundred bytes (glass) to 100 KB (dense tissue): a limit in entries
bounds nothing. The studio keeps encoded tiles and associated images in one of these per
process (they are immutable under fingerprint-keyed names, so nothing needs invalidating),
in front of the tile server; Redis, when there is one, keeps only what processes must share.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ByteLRU(Generic[K, V]):
    def __init__(self, budget: int) -> None:
        if budget < 0:
            raise ValueError("the budget is a number of bytes, at least 0")
        self.budget = budget
        self.nbytes = 0
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep `value` (`size` bytes), dropping the least recently used to stay in budget.
        A value larger than the whole budget is not kept."""
        if size > self.budget:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[1]
            self._items[key] = (value, size)
            self.nbytes += size
            while self.nbytes > self.budget:
                _, (_, dropped) = self._items.popitem(last=False)
                self.nbytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0
