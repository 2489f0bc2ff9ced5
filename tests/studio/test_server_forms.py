"""studio/server.py leaves form bodies to Django: Daphne's Twisted requests do not parse
multipart bodies themselves (whole, in memory) for arguments nobody reads."""

from __future__ import annotations

from types import SimpleNamespace

from daphne.http_protocol import WebRequest

from studio.server import leave_form_bodies_to_django


def a_request() -> WebRequest:
    server = SimpleNamespace(protocol_connected=lambda request: None)
    channel = SimpleNamespace(
        getPeer=lambda: None,
        getHost=lambda: None,
        transport=None,
        factory=SimpleNamespace(server=server),
    )
    return WebRequest(channel)


def test_twisted_parses_no_form_body_once_the_studio_runs_daphne() -> None:
    leave_form_bodies_to_django()
    leave_form_bodies_to_django()  # twice is once
    assert a_request()._parsePOSTFormSubmission is False
