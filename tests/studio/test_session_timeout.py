"""A studio session ends after SESSION_IDLE_TIMEOUT without a request (8 hours by default)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studio.asgi import application
from tests.base import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


async def _lean_get(path: str, cookie: str) -> dict:
    headers = [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())]
    communicator = HttpCommunicator(application, "GET", path, headers=headers)
    response = await communicator.get_response(timeout=10)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=10)
    return response


def lean_get(path: str, cookie: str) -> dict:
    return async_to_sync(_lean_get)(path, cookie)


def test_the_default_idle_timeout_is_eight_hours() -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE  # the server keeps the timeout


@pytest.mark.fake_clock
def test_an_idle_session_is_logged_out(owner: AbstractUser) -> None:
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
        assert client.get(reverse("browse")).status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        assert client.get(reverse("browse")).status_code == 302


def test_a_session_in_use_lives_on(owner: AbstractUser) -> None:
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    for hour in range(1, 11):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            assert client.get(reverse("browse")).status_code == 200, hour


def test_the_session_is_saved_only_every_few_minutes(owner: AbstractUser) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    client.get(reverse("browse"))
    key = client.session.session_key
    row = Session.objects.get(session_key=key)
    client.get(reverse("browse"))
    assert Session.objects.get(session_key=key).expire_date == row.expire_date
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        client.get(reverse("browse"))
        assert Session.objects.get(session_key=key).expire_date > row.expire_date


def test_panning_the_viewer_alone_keeps_the_session_alive(owner: AbstractUser) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    for hour in range(1, 11):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            response = lean_get("/tiles/0123456789abcdef/0/0_0.jpg?slide=a/b.svs", cookie)
            # Not 401: the session is alive (the made-up slide itself is not found).
            assert response["status"] != 401, hour
