"""Logging in to the studio is logging in to the tile server.

`TileServerBackend` checks the credentials with the tile server (`Authenticate`) and answers
with the studio user of that name: on the embedded server the Django user itself; with a
remote server a local shadow user, created on first login and kept in step with the names
the server reports (layouts, arrangements and share history hang off it). The tile-server
session it opened rides on the user object to `keep_tile_session` (the `user_logged_in`
handler), which stores it in the Django session; it never reaches the browser.

A tile server that cannot be reached is not a wrong password: the backend raises
PermissionDenied (so no other backend is asked) and leaves the error on the request for
the login form to show.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from pmacore.errors import NotAuthenticated, TileServerError
from pmacore.types import Login
from studio.tileclient import get_client

TILE_SERVER_ERROR_ATTR = "tile_server_error"


class TileServerBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if not username or not password:
            return None
        try:
            login = get_client().authenticate(username, password)
        except NotAuthenticated:
            return None
        except TileServerError as e:
            if request is not None:
                setattr(request, TILE_SERVER_ERROR_ATTR, e)
            raise PermissionDenied(e.message) from e
        user = studio_user(login)
        if not self.user_can_authenticate(user):
            return None
        user.tile_session_id = login.session_id  # type: ignore[attr-defined]
        return user


def studio_user(login: Login) -> AbstractBaseUser:
    """The studio user for a tile-server login, created (without a usable password: the
    tile server checks it) the first time and updated when the server's names change."""
    user_model = get_user_model()
    names = {"email": login.email, "first_name": login.first_name, "last_name": login.last_name}
    user, created = user_model.objects.get_or_create(
        **{user_model.USERNAME_FIELD: login.username}, defaults=names
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    else:
        changed = [f for f, v in names.items() if v and getattr(user, f, v) != v]
        if changed:
            for field in changed:
                setattr(user, field, names[field])
            user.save(update_fields=changed)
    return user
