"""Settings of the live processes the tests start: the studio's own, with a fast password
hasher (a login is checked on every test's client in a remote run; the default hasher
would make that the slowest part of the suite)."""

from __future__ import annotations

from studio.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
