"""Secrets out of log lines: passwords, session IDs and tokens in URLs and form bodies.

PMA.core clients (the pma_python SDK among them) send `username`/`password` and `sessionID`
in the query string, and share links carry their token in the path, so a plain access log
holds credentials that work for hours. Every log line the studio writes goes through
`RedactingFilter` (see LOGGING in settings), and Daphne's access log through
`studio.server`. What remains is enough to read the log: the parameter names, the rest of
the URL, a share token's first characters.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# Parameter names whose values are secrets, compared case-insensitively.
SECRET_PARAMETERS = ("password", "sessionid", "session_id", "token", "ticket", "secret")
# Enough of a share token to tell two links apart in a log, far too little to open one.
TOKEN_PREFIX = 4

_PARAMETER = re.compile(
    r"(?P<name>\b(?:" + "|".join(SECRET_PARAMETERS) + r"))(?P<sep>=|%3D)(?P<value>[^&;\s\"'#]*)",
    re.IGNORECASE,
)
_SHARE_TOKEN = re.compile(r"(?P<prefix>/s/)(?P<token>[A-Za-z0-9_-]{16,})")


def redact(text: str) -> str:
    """`text` with every secret parameter's value and share token blanked out."""
    text = _PARAMETER.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)
    return _SHARE_TOKEN.sub(lambda m: f"{m['prefix']}{m['token'][:TOKEN_PREFIX]}…", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) without its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
