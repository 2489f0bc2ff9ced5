"""How many of some costly thing each user has running at once, with a cap.

    with regions_in_flight.slot(user_id):   # TooManyRequests past the cap
        ...

Counted per process (a cap on what one process spends on one user); the slot is given back
however the work ends.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

from pmacore.errors import TooManyRequests


class InFlight:
    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        self.what = what
        self._running: Counter[Hashable] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, owner: Hashable) -> Iterator[None]:
        with self._lock:
            if self._running[owner] >= self.limit:
                raise TooManyRequests(
                    f"At most {self.limit} {self.what} at once: wait for one to finish"
                )
            self._running[owner] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[owner] -= 1
                if not self._running[owner]:
                    del self._running[owner]
