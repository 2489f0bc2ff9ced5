from __future__ import annotations

import logging
import sys

from studio.lib.redact import RedactingFilter, redact

TOKEN = "Zq3vXk9Lw0pR7sT2uV5xY8zA1bC4dE6fG9hJ2kL5mN8"


def test_it_blanks_passwords_and_session_ids_in_query_strings() -> None:
    line = '"GET /core/api/json/Authenticate?username=ada&password=s3cret&caller=x HTTP/1.1"'
    assert redact(line) == (
        '"GET /core/api/json/Authenticate?username=ada&password=[redacted]&caller=x HTTP/1.1"'
    )
    assert redact("/API/Share/CreateLinkForSlide?sessionID=ABC123&pathOrUid=a/b.svs") == (
        "/API/Share/CreateLinkForSlide?sessionID=[redacted]&pathOrUid=a/b.svs"
    )


def test_parameter_names_are_matched_whatever_their_case_or_encoding() -> None:
    assert redact("?PASSWORD=x;SessionId=y") == "?PASSWORD=[redacted];SessionId=[redacted]"
    assert redact("?password%3Dx") == "?password%3D[redacted]"
    assert redact("?token=abc&ticket=def") == "?token=[redacted]&ticket=[redacted]"


def test_it_keeps_names_that_only_contain_a_secret_word() -> None:
    assert redact("?passwordless=1&mytoken=2") == "?passwordless=1&mytoken=2"


def test_share_tokens_keep_only_their_first_characters() -> None:
    assert redact(f"GET /s/{TOKEN}/tiles/f/1/0_0.jpg") == "GET /s/Zq3v…/tiles/f/1/0_0.jpg"


def test_the_filter_rewrites_formatted_messages_and_tracebacks() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/s/{TOKEN}/",), None
    )
    try:
        raise ValueError("password=hunter2")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "Not Found: /s/Zq3v…/"
    assert "hunter2" not in (record.exc_text or "")


def test_every_log_handler_of_the_studio_redacts() -> None:
    handlers = logging.getLogger().handlers
    configured = [h for h in handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]
    assert configured
