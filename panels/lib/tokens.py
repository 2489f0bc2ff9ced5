"""Slide tokens of custom URL panels: signed, read-only, for one slide, expiring.

A custom panel's page gets `{token}` in its URL and uses it to fetch that one slide's info
and images from the studio without a login. The token names the slide and the user whose
rights it borrows; it carries no tile-server session, and nothing in it can be changed
without breaking the signature.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "panels.custom-token"
MAX_AGE_SECONDS = 15 * 60


class InvalidToken(Exception):
    """`message` is safe to show to whoever presented the token."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SlideToken:
    slide: str
    user_id: int


def make_token(slide: str, user_id: int) -> str:
    return signing.dumps({"slide": slide, "user": user_id, "scope": "read"}, salt=SALT)


def read_token(token: str, *, max_age: int = MAX_AGE_SECONDS) -> SlideToken:
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as e:
        raise InvalidToken(
            "This slide token has expired: reload the panel to get a new one."
        ) from e
    except signing.BadSignature as e:
        raise InvalidToken("This slide token is not valid.") from e
    if (
        not isinstance(payload, dict)
        or payload.get("scope") != "read"
        or not isinstance(payload.get("slide"), str)
        or not isinstance(payload.get("user"), int)
    ):
        raise InvalidToken("This slide token is not valid.")
    return SlideToken(slide=payload["slide"], user_id=payload["user"])
