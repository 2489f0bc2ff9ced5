"""Connecting: version probes, authenticate and DeAuthenticate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import JsonResponse

from studio.lib import throttle
from tileserver.api.http import ApiCall, bare_json
from tileserver.models import ApiSession

# The SDK substring-tests the version for "d" and "Code", and asks GetBuildRevision for
# the last part when it starts with "3.": keep it digits and dots.
VERSION = "3.0.1"
BUILD_REVISION = "1"
API_VERSION = [3, 0, 1]

STATUS_SUCCESS = 0
STATUS_FAILED = 1


def is_lite(call: ApiCall) -> JsonResponse:
    return bare_json(False)


def version_info(call: ApiCall) -> JsonResponse:
    return bare_json(VERSION)


def build_revision(call: ApiCall) -> JsonResponse:
    # A JSON string: the SDK concatenates it to the version.
    return bare_json(BUILD_REVISION)


def api_version(call: ApiCall) -> JsonResponse:
    return bare_json(API_VERSION)


def authenticate(call: ApiCall) -> JsonResponse:
    """Always HTTP 200: a failed login is `Success: false` with a `Reason` (the SDK's
    fallback for any other status is broken). Exactly the eight keys of PMA.core's
    AuthenticateResponse: PmaCoreClient builds an object from them and rejects extras.

    Throttled like every login (studio.lib.throttle): past the limit the password is not
    checked and the answer says when to try again, whether or not the user exists."""
    username = call.params.text("username")
    password = call.params.text("password")
    address = throttle.client_address(call.request)
    wait = throttle.login_attempt(username, address)
    if wait:
        reason = f"Too many attempts, try again in {throttle.minutes(wait)}"
        return bare_json(_login_result(username, reason=reason))
    user = None
    if username and password:
        # The tile server's own check, not the studio's login backends (which call the
        # tile server).
        user = ModelBackend().authenticate(call.request, username=username, password=password)
    if user is None:
        return bare_json(_login_result(username, reason="Invalid username or password"))
    throttle.login_succeeded(username, address)
    session = ApiSession.open_for(user, caller=call.params.text("caller"))
    return bare_json(
        _login_result(
            user.get_username(),
            session_id=session.session_id,
            email=getattr(user, "email", ""),
            first_name=getattr(user, "first_name", ""),
            last_name=getattr(user, "last_name", ""),
        )
    )


def _login_result(
    username: str,
    *,
    session_id: str | None = None,
    reason: str | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> dict[str, Any]:
    return {
        "Username": username,
        "Success": session_id is not None,
        "SessionId": session_id,
        "Status": STATUS_SUCCESS if session_id is not None else STATUS_FAILED,
        "Reason": reason,
        "Email": email,
        "FirstName": first_name,
        "LastName": last_name,
    }


def deauthenticate(call: ApiCall) -> JsonResponse:
    assert call.session is not None
    call.session.delete()
    return bare_json(True)
