from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.base import (
    admin,
    colleague,
    fast_hashers,
    forget_everything_cached,
    owner,
    owner_client,
    stranger,
)

__all__ = [
    "admin",
    "colleague",
    "fast_hashers",
    "owner",
    "owner_client",
    "stranger",
]


@pytest.fixture(autouse=True)
def empty_cache(fast_hashers: None) -> Iterator[None]:
    # Password throttles and images live in the caches: no test sees another's.
    forget_everything_cached()
    yield
    forget_everything_cached()
