"""Users of the remote tile server in a remote run, made through its admin API
(`admin/json/CreateUser`, as pma_python's core_admin sends it).

The remote server keeps its own database for the whole run, so a persona made by an
earlier test is already there: it is made once per name, always with the same password.
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.contrib.auth.models import AbstractUser

from tests.live_server import LiveTileServer

TIMEOUT = 30


def create(user: AbstractUser, password: str, server: LiveTileServer | None = None) -> None:
    """Make `user` on `server` (default: the one the settings point at)."""
    base = server.url if server else settings.TILE_SERVER_URL
    admin = (
        (server.username, server.password)
        if server
        else (settings.TILE_SERVER_SERVICE_USERNAME, settings.TILE_SERVER_SERVICE_PASSWORD)
    )
    session_id = _admin_session(base, *admin)
    body = {
        "sessionID": session_id,
        "user": {
            "Login": user.get_username(),
            "FirstName": user.first_name,
            "LastName": user.last_name,
            "Password": password,
            "Email": user.email,
            "Administrator": user.is_superuser,
            "CanAnnotate": True,
            "Suspended": not user.is_active,
        },
    }
    response = requests.post(base + "admin/json/CreateUser", json=body, timeout=TIMEOUT)
    if response.status_code == 409:
        return  # made by an earlier test of this run
    assert response.status_code == 200, response.text


def _admin_session(base: str, username: str, password: str) -> str:
    body = {"username": username, "password": password, "caller": "tests"}
    response = requests.post(base + "api/json/authenticate", json=body, timeout=TIMEOUT)
    reply = response.json()
    assert reply["Success"], reply
    return str(reply["SessionId"])
