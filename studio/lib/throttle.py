"""Attempt counters for every door that takes a password, kept in the Django cache.

    wait = throttle.attempt(LIMIT, subject)   # count this attempt first, then judge it
    if wait: answer 429 ("try again in {minutes(wait)} minutes")
    ... check the password ...
    on success: throttle.forgive(LIMIT, subject)   (or reset, to start afresh)

The attempt is counted *before* the password is checked, with one atomic increment: a
burst of parallel guesses each gets its own number, so only the first `max_attempts` of
them are judged at all (checking first and counting failures afterwards let 60 parallel
guesses through). A window opens with the first attempt and lasts `window_seconds`.

The cache is shared by every process when REDIS_URL is set, so limits hold across workers.
Subjects are hashed: neither usernames nor addresses are kept in clear, and an unknown
username is counted exactly like a known one, so the answers reveal nothing about which
accounts exist.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from ipaddress import ip_address

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    max_attempts: int
    window_seconds: int


# Share-link passwords: per link and client address.
SHARE_UNLOCK = Limit("share-unlock", max_attempts=5, window_seconds=15 * 60)
# Logins (studio, admin, the tile server's Authenticate): per username and per address.
# The address limit is higher: several people may log in from behind one NAT.
LOGIN_BY_USERNAME = Limit("login-user", max_attempts=10, window_seconds=15 * 60)
LOGIN_BY_ADDRESS = Limit("login-address", max_attempts=50, window_seconds=15 * 60)


def _keys(limit: Limit, subject: str) -> tuple[str, str]:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    base = f"throttle:{limit.name}:{digest}"
    return base + ":count", base + ":since"


def attempt(limit: Limit, subject: str) -> int:
    """Count one attempt; the seconds to wait before trying again, 0 if it may go ahead."""
    count_key, since_key = _keys(limit, subject)
    now = time.time()
    cache.add(since_key, now, limit.window_seconds)
    cache.add(count_key, 0, limit.window_seconds)
    try:
        count = cache.incr(count_key)
    except ValueError:
        # The window closed between add and incr: this attempt opens a new one.
        cache.set(since_key, now, limit.window_seconds)
        cache.set(count_key, 1, limit.window_seconds)
        count = 1
    if count <= limit.max_attempts:
        return 0
    since = cache.get(since_key)
    if since is None:
        return 1  # The window is closing this very moment.
    if now >= since + limit.window_seconds:
        # The window is over by the clock, whatever the cache's expiry says (Redis expires
        # keys by its own clock): this attempt opens a new one.
        cache.set(since_key, now, limit.window_seconds)
        cache.set(count_key, 1, limit.window_seconds)
        return 0
    return max(1, math.ceil(since + limit.window_seconds - now))


def attempts_left(limit: Limit, subject: str) -> int:
    """Attempts the subject may still make in the current window (to tell a person so)."""
    count_key, _ = _keys(limit, subject)
    return max(0, limit.max_attempts - (cache.get(count_key) or 0))


def forgive(limit: Limit, subject: str) -> None:
    """Give back a counted attempt that succeeded: successes never use up the limit."""
    count_key, _ = _keys(limit, subject)
    try:
        if cache.decr(count_key) < 0:
            cache.delete(count_key)
    except ValueError:
        pass  # The window has closed already.


def reset(limit: Limit, subject: str) -> None:
    cache.delete_many(_keys(limit, subject))


def minutes(seconds: int) -> str:
    """'1 minute', '15 minutes': how long to wait, rounded up, for a message."""
    count = max(1, math.ceil(seconds / 60))
    return f"{count} minute" if count == 1 else f"{count} minutes"


def client_address(request: HttpRequest) -> str | None:
    """The peer address, or None if there is none worth counting.

    Behind a proxy, the proxy must hand the client's own address over as the peer address
    (Daphne's `--proxy-headers` behind a trusted proxy only): otherwise every client counts
    as the proxy.
    """
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ip_address(address))
    except ValueError:
        return None


# -- logins --------------------------------------------------------------------------------


def _login_subjects(username: str, address: str | None) -> list[tuple[Limit, str]]:
    # Case and surrounding blanks do not make a new subject: varying them gains a guesser
    # nothing.
    subjects = [(LOGIN_BY_USERNAME, username.strip().lower())]
    # A studio in front of a tile server sends every user's login from its one address,
    # and throttles each user's own address itself: count only usernames for it.
    if address not in settings.TRUSTED_LOGIN_CALLERS:
        subjects.append((LOGIN_BY_ADDRESS, address or "unknown"))
    return subjects


def login_attempt(username: str, address: str | None) -> int:
    """Count one login attempt for `username` from `address`; seconds to wait, or 0."""
    return max(attempt(limit, subject) for limit, subject in _login_subjects(username, address))


def login_succeeded(username: str, address: str | None) -> None:
    """The right password: start this username afresh and give the address its try back."""
    (user_limit, user), *by_address = _login_subjects(username, address)
    reset(user_limit, user)
    for address_limit, client in by_address:
        forgive(address_limit, client)
