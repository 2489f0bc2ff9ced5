"""Errors read back from a tile server's `{Code, Message}` answers (pmacore/errors.py)."""

from __future__ import annotations

import pytest

from pmacore.errors import (
    BadRequest,
    DirectoryNotFound,
    NotAllowed,
    NotAuthenticated,
    SlideNotFound,
    TileServerError,
    from_wire,
)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("FileNotFound", SlideNotFound),
        ("DirectoryNotFound", DirectoryNotFound),
        ("SessionNotFound", NotAuthenticated),
        ("BadRequest", BadRequest),
    ],
)
def test_known_codes_become_their_class(code: str, cls: type[TileServerError]) -> None:
    error = from_wire(code, "Said by the server", 404)
    assert type(error) is cls
    assert error.message == "Said by the server"


def test_an_error_object_with_status_200_is_still_an_error() -> None:
    # PMA.core may answer {Code, Message} with 200: the code decides, not the status.
    assert isinstance(from_wire("FileNotFound", "gone", 200), SlideNotFound)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_sessions_are_not_authenticated_whatever_the_code(status: int) -> None:
    assert isinstance(from_wire("SomethingElse", "no", status), NotAuthenticated)


def test_an_unknown_code_keeps_its_message_and_a_client_status() -> None:
    error = from_wire("LicenseExpired", "The licence has expired", 409)
    assert (error.code, error.message, error.status) == (
        "LicenseExpired",
        "The licence has expired",
        409,
    )


def test_an_unknown_server_failure_is_a_bad_gateway_not_a_500() -> None:
    error = from_wire("NullReference", "Object reference not set", 500)
    assert error.status == 502
    assert error.message == "Object reference not set"


def test_an_error_without_a_message_still_says_something() -> None:
    assert from_wire("Oops", None, 500).message == "The tile server answered Oops."


def test_a_refusal_of_one_thing_is_not_a_lost_session() -> None:
    error = from_wire("NotAllowed", "Annotation 3 is ada's", 403)
    assert isinstance(error, NotAllowed) and error.message == "Annotation 3 is ada's"
