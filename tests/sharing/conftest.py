from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.base import admin, colleague, fast_hashers, owner, owner_client, stranger

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
    # Password throttles live in the cache: no test sees another's.
    cache.clear()
    yield
    cache.clear()
