"""Every door that takes a password is throttled: studio login, admin login, Authenticate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from studio.lib.throttle import LOGIN_BY_ADDRESS, LOGIN_BY_USERNAME
from tests.base import PASSWORD

# Embedded only: against a remote tile server the wrong passwords would also be counted by
# that shared live process (against the studio's own address) and lock later tests out.
pytestmark = [pytest.mark.django_db, pytest.mark.embedded_only]

ATTACKER = "203.0.113.9"
Door = Callable[[Client, str, str], bool]  # True when the login worked


def studio_login(client: Client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 302, 429), response.status_code
    return response.status_code == 302


def admin_login(client: Client, username: str, password: str) -> bool:
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
    )
    assert response.status_code in (200, 302, 429), response.status_code
    return response.status_code == 302


def tile_server_login(client: Client, username: str, password: str) -> bool:
    response = client.get(
        "/core/api/json/Authenticate", {"username": username, "password": password}
    )
    assert response.status_code == 200
    return bool(response.json()["Success"])


DOORS = [studio_login, admin_login, tile_server_login]


@pytest.mark.parametrize("door", DOORS)
def test_twenty_wrong_passwords_lock_the_username(admin: AbstractUser, door: Door) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(20):
        assert not door(attacker, "admin", "wrong-password")
    assert not door(attacker, "admin", PASSWORD)
    # From another address too: the username itself is locked for the window.
    assert not door(Client(REMOTE_ADDR="198.51.100.7"), "admin", PASSWORD)


@pytest.mark.parametrize("door", DOORS)
def test_the_lock_lifts_after_the_window(admin: AbstractUser, door: Door) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    with time_machine.travel("2030-01-01 12:00Z", tick=False):
        for _ in range(LOGIN_BY_USERNAME.max_attempts):
            assert not door(attacker, "admin", "wrong-password")
        assert not door(attacker, "admin", PASSWORD)
    with time_machine.travel("2030-01-01 12:16Z", tick=False):
        assert door(attacker, "admin", PASSWORD)


def test_a_locked_studio_login_says_429_and_when_to_come_back(admin: AbstractUser) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(LOGIN_BY_USERNAME.max_attempts):
        studio_login(attacker, "admin", "wrong-password")
    response = attacker.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "try again in 15 minutes" in response.content.decode()
    assert int(response["Retry-After"]) > 14 * 60


def test_a_locked_authenticate_gives_a_reason(admin: AbstractUser) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(LOGIN_BY_USERNAME.max_attempts):
        tile_server_login(attacker, "admin", "wrong-password")
    answer = attacker.get(
        "/core/api/json/Authenticate", {"username": "admin", "password": PASSWORD}
    ).json()
    assert answer["Success"] is False
    assert answer["Reason"].startswith("Too many attempts")


def test_unknown_and_known_usernames_are_answered_alike(admin: AbstractUser) -> None:
    def answers(username: str) -> list[int]:
        attacker = Client(REMOTE_ADDR=ATTACKER)
        statuses = []
        for _ in range(LOGIN_BY_USERNAME.max_attempts + 1):
            response = attacker.post(reverse("login"), {"username": username, "password": "x"})
            statuses.append(response.status_code)
        return statuses

    assert answers("admin") == answers("nobody-by-that-name")


def test_one_address_guessing_many_usernames_is_stopped(admin: AbstractUser) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(LOGIN_BY_ADDRESS.max_attempts):
        assert not studio_login(attacker, f"user-{n}", "wrong-password")
    assert not studio_login(attacker, "admin", PASSWORD)
    assert studio_login(Client(REMOTE_ADDR="198.51.100.7"), "admin", PASSWORD)


def test_successful_logins_do_not_use_up_the_limit(admin: AbstractUser) -> None:
    office = "192.0.2.1"
    for _ in range(LOGIN_BY_ADDRESS.max_attempts + 5):
        assert studio_login(Client(REMOTE_ADDR=office), "admin", PASSWORD)


def test_a_right_password_starts_the_username_afresh(admin: AbstractUser) -> None:
    user = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(LOGIN_BY_USERNAME.max_attempts - 1):
        studio_login(user, "admin", "typo")
    assert studio_login(user, "admin", PASSWORD)
    for _ in range(LOGIN_BY_USERNAME.max_attempts - 1):
        studio_login(Client(REMOTE_ADDR=ATTACKER), "admin", "typo")
    assert studio_login(Client(REMOTE_ADDR=ATTACKER), "admin", PASSWORD)


def test_case_and_blanks_make_no_new_username(admin: AbstractUser) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(LOGIN_BY_USERNAME.max_attempts):
        name = ["admin", "ADMIN", " admin", "Admin "][n % 4]
        studio_login(attacker, name, "wrong-password")
    assert not studio_login(attacker, "admin", PASSWORD)
