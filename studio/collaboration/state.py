"""What a late joiner needs, kept in the Django cache (Redis with REDIS_URL, so every
studio process sees the same session): the driver's last viewport, recent chat, shared
application data, transient highlights and who is connected.

The viewport is simply overwritten (the latest wins). Everything else is a read-modify-write
of one key per concern (participants, chat, data, highlights, shown slides), done under that
key's lock in the cache (studio/lib/cache_lock.py), so two processes changing the same key
in the same instant both keep their change.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from studio.lib.cache_lock import locked

RECENT_CHAT = 50
MAX_ANNOTATIONS = 200
MAX_DATA_KEYS = 200
# Idle sessions are forgotten after a day; the database still knows the session.
TIMEOUT = 24 * 3600


def group_name(session_name: str) -> str:
    return f"live.{session_name}"


def _key(session_name: str, part: str) -> str:
    return f"live:{session_name}:{part}"


async def snapshot(session_name: str) -> dict[str, Any]:
    keys = {part: _key(session_name, part) for part in ("view", "chat", "data", "marks")}
    found = await cache.aget_many(list(keys.values()))
    return {
        "viewport": found.get(keys["view"]),
        "chat": found.get(keys["chat"], []),
        "data": found.get(keys["data"], {}),
        "annotations": found.get(keys["marks"], []),
        "participants": await participants(session_name),
    }


async def set_viewport(session_name: str, viewport: dict[str, Any]) -> None:
    await cache.aset(_key(session_name, "view"), viewport, TIMEOUT)


async def shown(session_name: str) -> set[str]:
    """Every slide a logged-in driver has shown in the session: what its guests may see."""
    return set(await cache.aget(_key(session_name, "shown"), []))


async def add_shown(session_name: str, slides: set[str]) -> None:
    key = _key(session_name, "shown")
    async with locked(cache, key):
        before = set(await cache.aget(key, []))
        if not slides <= before:
            await cache.aset(key, sorted(before | slides), TIMEOUT)


async def add_chat(session_name: str, message: dict[str, Any]) -> None:
    key = _key(session_name, "chat")
    async with locked(cache, key):
        recent = await cache.aget(key, [])
        await cache.aset(key, [*recent, message][-RECENT_CHAT:], TIMEOUT)


async def merge_data(session_name: str, changes: dict[str, Any]) -> dict[str, Any] | None:
    """Everyone's shared data after `changes` (null removes a key), or None when it would
    grow past MAX_DATA_KEYS."""
    key = _key(session_name, "data")
    async with locked(cache, key):
        merged = dict(await cache.aget(key, {}))
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        if len(merged) > MAX_DATA_KEYS:
            return None
        await cache.aset(key, merged, TIMEOUT)
    return merged


async def add_annotation(session_name: str, mark: dict[str, Any]) -> None:
    key = _key(session_name, "marks")
    async with locked(cache, key):
        marks = await cache.aget(key, [])
        await cache.aset(key, [*marks, mark][-MAX_ANNOTATIONS:], TIMEOUT)


async def clear_annotations(session_name: str) -> None:
    await cache.adelete(_key(session_name, "marks"))


async def join(session_name: str, channel: str, person: dict[str, Any]) -> None:
    key = _key(session_name, "people")
    async with locked(cache, key):
        people = dict(await cache.aget(key, {}))
        people[channel] = person
        await cache.aset(key, people, TIMEOUT)


async def leave(session_name: str, channel: str) -> None:
    key = _key(session_name, "people")
    async with locked(cache, key):
        people = dict(await cache.aget(key, {}))
        people.pop(channel, None)
        await cache.aset(key, people, TIMEOUT)


async def participants(session_name: str) -> list[dict[str, Any]]:
    """One entry per participant, however many sockets (tabs) they have open."""
    people = await cache.aget(_key(session_name, "people"), {})
    unique = {person["id"]: person for person in people.values()}
    return sorted(unique.values(), key=lambda person: (not person["owner"], person["nickname"]))


def forget(session_name: str) -> None:
    """Everything transient about a session: called when it ends."""
    cache.delete_many(
        [_key(session_name, part) for part in ("view", "chat", "data", "marks", "people", "shown")]
    )
