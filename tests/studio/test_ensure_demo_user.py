from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_creates_a_staff_superuser(fast_hashers: None) -> None:
    call_command("ensure_demo_user", "demo", "demo-slides")
    user = get_user_model().objects.get(username="demo")
    assert user.is_staff and user.is_superuser and user.is_active
    assert user.check_password("demo-slides")


def test_it_is_idempotent_and_updates_the_password(fast_hashers: None) -> None:
    call_command("ensure_demo_user", "demo", "demo-slides")
    call_command("ensure_demo_user", "demo", "other-password")
    users = get_user_model().objects.filter(username="demo")
    assert users.count() == 1
    assert users.get().check_password("other-password")
