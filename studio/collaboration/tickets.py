"""Guest tickets: what a guest gets after the session password, instead of an account.

A ticket is signed (Django's signing, SECRET_KEY), names one session and carries the guest's
id and nickname. It also carries a digest of the session's password hash, so changing the
password turns away every guest admitted under the old one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import salted_hmac

from studio.models import LiveSession

SALT = "studio.live-guest"
MAX_AGE = 12 * 3600
MAX_NICKNAME = 40


@dataclass(frozen=True)
class Guest:
    id: str
    nickname: str


def _password_digest(session: LiveSession) -> str:
    return salted_hmac(SALT, session.password).hexdigest()[:16]


def issue(session: LiveSession, nickname: str) -> str:
    """A ticket for a guest the caller has admitted (password checked)."""
    return signing.dumps(
        {
            "s": session.name,
            "g": secrets.token_urlsafe(9),
            "n": nickname[:MAX_NICKNAME],
            "p": _password_digest(session),
        },
        salt=SALT,
        compress=True,
    )


def check(session: LiveSession, ticket: str) -> Guest | None:
    """The guest a ticket admits to `session`, or None."""
    try:
        claims = signing.loads(ticket, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if claims.get("s") != session.name or claims.get("p") != _password_digest(session):
        return None
    return Guest(id=f"guest:{claims['g']}", nickname=str(claims["n"]))
