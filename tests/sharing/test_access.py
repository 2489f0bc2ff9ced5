"""The share gate, sync and async, as the share pages and image routes call it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from sharing.access import (
    UNLOCKED_KEY,
    PasswordRequired,
    ShareGone,
    aget_share,
    get_owned_share,
    get_share,
    unlock,
)
from sharing.models import Share
from tests.sharing.factory import OTHER_SLIDE, SLIDE, make_share

pytestmark = pytest.mark.django_db
NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
Gate = Callable[..., Share]


def sync_gate(request: HttpRequest, token: str, **kwargs: Any) -> Share:
    return get_share(request, token, **kwargs)


def async_gate(request: HttpRequest, token: str, **kwargs: Any) -> Share:
    # async_to_sync keeps the ORM calls on this thread, inside the test's transaction.
    return async_to_sync(aget_share)(request, token, **kwargs)


@pytest.fixture(params=[sync_gate, async_gate], ids=["sync", "async"])
def gate(request: pytest.FixtureRequest) -> Gate:
    return request.param  # type: ignore[no-any-return]


def visitor(user: Any = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    return request


def test_it_gives_an_active_link(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner)
    assert gate(visitor(), share.token) == share


@pytest.mark.parametrize("token", ["nope", "x" * 43, "../../etc/passwd", "a" * 44, ""])
def test_it_refuses_unknown_tokens(owner: AbstractUser, gate: Gate, token: str) -> None:
    make_share(owner)
    with pytest.raises(Http404):
        gate(visitor(), token)


def test_it_refuses_a_deleted_link(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner)
    token = share.token
    share.delete()
    with pytest.raises(Http404):
        gate(visitor(), token)


def test_it_refuses_an_expired_link(owner: AbstractUser, gate: Gate) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, expires_at=NOW + timedelta(minutes=5))
        assert gate(visitor(), share.token) == share
    with (
        time_machine.travel(NOW + timedelta(minutes=5), tick=False),
        pytest.raises(ShareGone) as refused,
    ):
        gate(visitor(), share.token)
    assert refused.value.state == Share.State.EXPIRED
    assert refused.value.title == "This link has expired"


def test_it_refuses_a_suspended_link(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, suspended=True)
    with pytest.raises(ShareGone) as refused:
        gate(visitor(), share.token)
    assert refused.value.title == "This link is not available"


def test_state_is_checked_before_the_password(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, password="pw", suspended=True)
    with pytest.raises(ShareGone):
        gate(visitor(), share.token)


def test_it_asks_for_the_password(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, password="pw")
    with pytest.raises(PasswordRequired) as asked:
        gate(visitor(), share.token)
    assert asked.value.share == share


def test_an_unlocked_session_passes(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, password="pw")
    request = visitor()
    unlock(request, share)
    assert gate(request, share.token) == share
    with pytest.raises(PasswordRequired):
        gate(visitor(), share.token)


def test_a_new_password_locks_unlocked_sessions_again(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, password="pw")
    request = visitor()
    unlock(request, share)
    share.set_password("new-pw")
    share.save()
    with pytest.raises(PasswordRequired):
        gate(request, share.token)


def test_unlocking_one_link_does_not_unlock_another(owner: AbstractUser, gate: Gate) -> None:
    first = make_share(owner, password="pw")
    second = make_share(owner, password="pw")
    request = visitor()
    unlock(request, first)
    unlock(request, first)
    assert request.session[UNLOCKED_KEY] == [first.unlock_key()]
    with pytest.raises(PasswordRequired):
        gate(request, second.token)


def test_it_refuses_slides_outside_the_link(owner: AbstractUser, gate: Gate) -> None:
    share = make_share(owner, path=SLIDE)
    assert gate(visitor(), share.token, slide="0") == share
    for ref in ("1", SLIDE, OTHER_SLIDE, "-1", "00000001"):
        with pytest.raises(Http404):
            gate(visitor(), share.token, slide=ref)


@pytest.mark.parametrize(
    "path",
    ["../breast-2/x.svs", "../lung/a.svs", "CASE-9/../../lung/a.svs", "", "/etc/passwd"],
)
def test_a_folder_link_refuses_paths_outside(owner: AbstractUser, gate: Gate, path: str) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    # Slides of a folder link are named by their path below the shared folder.
    assert gate(visitor(), share.token, slide="CASE-9/z.svs") == share
    assert share.slide_for("CASE-9/z.svs") == "demo/breast/CASE-9/z.svs"
    with pytest.raises(Http404):
        gate(visitor(), share.token, slide=path)


def test_scope_is_checked_after_the_password(owner: AbstractUser, gate: Gate) -> None:
    # A locked link says nothing about which slides it covers.
    share = make_share(owner, password="pw")
    with pytest.raises(PasswordRequired):
        gate(visitor(), share.token, slide="1")


def test_the_owner_gets_their_link_without_password(owner: AbstractUser) -> None:
    share = make_share(owner, password="pw")
    assert get_owned_share(visitor(owner), share.token) == share


def test_others_do_not_get_the_owners_link(owner: AbstractUser, stranger: AbstractUser) -> None:
    share = make_share(owner)
    for request in (visitor(stranger), visitor()):
        with pytest.raises(Http404):
            get_owned_share(request, share.token)


def test_the_owner_does_not_get_a_gone_link(owner: AbstractUser) -> None:
    share = make_share(owner, suspended=True)
    with pytest.raises(ShareGone):
        get_owned_share(visitor(owner), share.token)
