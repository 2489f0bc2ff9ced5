"""Administration (`admin/json/...`): what pma_python's core_admin calls and we support."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import JsonResponse

from pmacore.errors import BadRequest, NotAllowed, NotAuthenticated, TileServerError
from tileserver import engine
from tileserver.api.http import ApiCall, bare_json


class UserExists(TileServerError):
    status = 409
    code = "UserExists"


def create_user(call: ApiCall) -> JsonResponse:
    """POST `{"sessionID", "user": {"Login", "FirstName", "LastName", "Password", "Email",
    "Administrator", "CanAnnotate", "Suspended"}}` by an administrator's session."""
    assert call.session is not None
    if not call.session.user.is_superuser:
        raise NotAuthenticated("Only administrators may create users")
    fields = call.params.raw("user")
    if not isinstance(fields, dict):
        raise BadRequest("Parameter user must be an object")
    login = _text(fields, "Login")
    password = _text(fields, "Password")
    if not login or not password:
        raise BadRequest("A user needs a Login and a Password")
    administrator = fields.get("Administrator") is True
    try:
        with transaction.atomic():
            get_user_model().objects.create_user(
                login,
                email=_text(fields, "Email"),
                password=password,
                first_name=_text(fields, "FirstName"),
                last_name=_text(fields, "LastName"),
                is_staff=administrator,
                is_superuser=administrator,
                is_active=fields.get("Suspended") is not True,
            )
    except IntegrityError:
        raise UserExists(f"There is already a user {login!r}") from None
    return bare_json(True)


def reverse_lookup_uid(call: ApiCall) -> JsonResponse:
    """`?sessionID&uid` by an administrator's session: the path the UID was given to, as a
    bare JSON string (pma_python's `core_admin.reverse_uid`)."""
    assert call.session is not None
    if not call.session.user.is_superuser:
        raise NotAllowed("Only administrators may look up the path of a UID")
    return bare_json(engine.path_of_uid(call.params.required("uid").strip()))


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    return str(value) if isinstance(value, str | int) else ""
