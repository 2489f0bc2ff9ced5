"""Django's local-memory cache with native async methods.

Django's base cache implements `aget`/`aset` by handing the sync method to
`sync_to_async`: a thread hop per call. A local-memory lookup never blocks, so the async
methods here call the sync ones directly; the tile route makes four or five cache calls
per tile and these hops were a large part of its cost. (Redis keeps Django's default.)
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache as DjangoLocMemCache


class LocMemCache(DjangoLocMemCache):
    async def aget(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self.get(key, default, version)

    async def aset(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self.set(key, value, timeout, version)

    async def aadd(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self.add(key, value, timeout, version)

    async def adelete(self, key: str, version: int | None = None) -> bool:
        return self.delete(key, version)

    async def aget_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self.get_many(keys, version)

    async def aincr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self.incr(key, delta, version)

    async def atouch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self.touch(key, timeout, version)

    async def ahas_key(self, key: str, version: int | None = None) -> bool:
        return self.has_key(key, version)
