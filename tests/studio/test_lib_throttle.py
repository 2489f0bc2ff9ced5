from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from studio.lib import throttle
from studio.lib.throttle import Limit

LIMIT = Limit("test", max_attempts=3, window_seconds=600)


def test_it_lets_the_first_attempts_through_and_then_says_how_long_to_wait() -> None:
    with time_machine.travel("2030-01-01 12:00Z", tick=False):
        assert [throttle.attempt(LIMIT, "a") for _ in range(3)] == [0, 0, 0]
        assert throttle.attempt(LIMIT, "a") == 600
    with time_machine.travel("2030-01-01 12:04Z", tick=False):
        assert throttle.attempt(LIMIT, "a") == 360
    with time_machine.travel("2030-01-01 12:10:01Z", tick=False):
        assert throttle.attempt(LIMIT, "a") == 0


def test_subjects_and_limits_are_counted_apart() -> None:
    for _ in range(3):
        throttle.attempt(LIMIT, "a")
    assert throttle.attempt(LIMIT, "b") == 0
    assert throttle.attempt(Limit("other", 3, 600), "a") == 0


def test_forgiven_attempts_give_the_try_back() -> None:
    for _ in range(10):
        assert throttle.attempt(LIMIT, "a") == 0
        throttle.forgive(LIMIT, "a")


def test_reset_starts_afresh() -> None:
    for _ in range(4):
        throttle.attempt(LIMIT, "a")
    throttle.reset(LIMIT, "a")
    assert throttle.attempt(LIMIT, "a") == 0


def test_parallel_attempts_each_get_their_own_number() -> None:
    start = threading.Barrier(16)

    def one(_: int) -> int:
        start.wait()
        return throttle.attempt(LIMIT, "burst")

    with ThreadPoolExecutor(16) as pool:
        waits = list(pool.map(one, range(16)))
    assert waits.count(0) == LIMIT.max_attempts


def test_minutes_are_rounded_up() -> None:
    assert throttle.minutes(1) == "1 minute"
    assert throttle.minutes(61) == "2 minutes"
    assert throttle.minutes(900) == "15 minutes"


def test_the_client_address_is_the_peer_address() -> None:
    factory = RequestFactory()
    assert throttle.client_address(factory.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    assert throttle.client_address(factory.get("/", REMOTE_ADDR="not an address")) is None
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttle.client_address(forwarded) == "10.0.0.1"


def test_a_trusted_studio_is_throttled_per_username_only(settings: Settings) -> None:
    # Every login of a studio in front of the tile server comes from the studio's address.
    settings.TRUSTED_LOGIN_CALLERS = ["10.0.0.5"]
    for number in range(throttle.LOGIN_BY_ADDRESS.max_attempts + 5):
        assert throttle.login_attempt(f"user-{number}", "10.0.0.5") == 0
    for _ in range(throttle.LOGIN_BY_USERNAME.max_attempts):
        throttle.login_attempt("guessed", "10.0.0.5")
    assert throttle.login_attempt("guessed", "10.0.0.5") > 0


def test_an_untrusted_address_is_throttled_as_before(settings: Settings) -> None:
    settings.TRUSTED_LOGIN_CALLERS = ["10.0.0.5"]
    for number in range(throttle.LOGIN_BY_ADDRESS.max_attempts):
        assert throttle.login_attempt(f"user-{number}", "10.0.0.6") == 0
    assert throttle.login_attempt("one-more", "10.0.0.6") > 0


def test_a_window_over_by_the_clock_ends_though_the_cache_still_holds_it() -> None:
    # Redis expires keys by its own clock; the studio's clock decides when a window ends.
    count_key, since_key = throttle._keys(LIMIT, "late")
    cache.set(count_key, LIMIT.max_attempts + 3, None)
    cache.set(since_key, time.time() - LIMIT.window_seconds - 1, None)
    assert throttle.attempt(LIMIT, "late") == 0
    assert [throttle.attempt(LIMIT, "late") for _ in range(LIMIT.max_attempts - 1)] == [0, 0]
    assert throttle.attempt(LIMIT, "late") > 0
