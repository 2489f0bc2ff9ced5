from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError

from sharing.models import KEEP, Share, ShareAccess
from tests.sharing.factory import OTHER_SLIDE, SLIDE, make_share

pytestmark = pytest.mark.django_db
NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def test_tokens_are_long_random_and_url_safe(owner: AbstractUser) -> None:
    tokens = {make_share(owner).token for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        # 43 URL-safe base64 characters carry 256 bits.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert not any(token.isdigit() for token in tokens)


def test_passwords_are_hashed(owner: AbstractUser) -> None:
    share = make_share(owner, password="s3cret pass")
    assert share.has_password
    assert "s3cret" not in share.password
    assert share.check_password("s3cret pass")
    assert not share.check_password("s3cret")
    assert not share.check_password("")


def test_an_empty_password_means_none(owner: AbstractUser) -> None:
    share = make_share(owner, password="")
    assert not share.has_password
    assert not share.check_password("")


def test_a_link_without_expiry_is_active(owner: AbstractUser) -> None:
    assert make_share(owner).state == Share.State.ACTIVE


def test_a_link_expires_at_its_expiry(owner: AbstractUser) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, expires_at=NOW + timedelta(hours=1))
        assert share.state == Share.State.ACTIVE
        assert list(Share.objects.active()) == [share]
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert share.state == Share.State.EXPIRED
        assert list(Share.objects.expired()) == [share]
        assert not Share.objects.active().exists()


def test_a_suspended_link_is_suspended_until_reactivated(owner: AbstractUser) -> None:
    share = make_share(owner, suspended=True)
    assert share.state == Share.State.SUSPENDED
    assert list(Share.objects.in_state("suspended")) == [share]
    share.suspended = False
    assert share.state == Share.State.ACTIVE


def test_expiry_wins_over_suspension(owner: AbstractUser) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, suspended=True, expires_at=NOW - timedelta(minutes=1))
        assert share.state == Share.State.EXPIRED
        assert list(Share.objects.in_state("expired")) == [share]
        assert not Share.objects.in_state("suspended").exists()


def test_the_state_querysets_split_all_links(owner: AbstractUser) -> None:
    with time_machine.travel(NOW, tick=False):
        active = make_share(owner, expires_at=NOW + timedelta(days=1))
        suspended = make_share(owner, suspended=True)
        expired = make_share(owner, expires_at=NOW - timedelta(days=1))
        assert set(Share.objects.in_state("active")) == {active}
        assert set(Share.objects.in_state("suspended")) == {suspended}
        assert set(Share.objects.in_state("expired")) == {expired}


def test_a_slide_link_covers_only_its_slide(owner: AbstractUser) -> None:
    share = make_share(owner, path=SLIDE)
    assert share.covers(SLIDE)
    assert not share.covers(OTHER_SLIDE)
    assert not share.covers(SLIDE + "x")


def test_a_folder_link_covers_slides_below_its_folder(owner: AbstractUser) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    assert share.covers("demo/breast/a.svs")
    assert share.covers("demo/breast/CASE-1/a.svs")
    assert not share.covers("demo/breast-2/x.svs")
    assert not share.covers("demo/lung/a.svs")
    assert not share.covers("demo/breast")


@pytest.mark.parametrize(
    "path",
    [
        "demo/breast/../lung/a.svs",
        "demo/breast/CASE-1/../../../etc/passwd",
        "/demo/breast/a.svs",
        "demo/breast//a.svs",
        "demo/breast\\a.svs",
        "demo\\breast/a.svs",
        "",
    ],
)
def test_a_folder_link_refuses_crafted_paths(owner: AbstractUser, path: str) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    assert not share.covers(path)


def test_a_grid_link_covers_its_slides(owner: AbstractUser) -> None:
    share = make_share(owner, kind=Share.Kind.GRID)
    assert share.covers(SLIDE)
    assert share.covers(OTHER_SLIDE)
    assert not share.covers("demo/breast/CASE-3/c.svs")
    assert share.slide_paths == [SLIDE, OTHER_SLIDE]


@pytest.mark.parametrize(
    "grid",
    [
        {},
        {"slides": [], "rows": 1, "columns": 1, "sync": True},
        {"slides": ["../a.svs"], "rows": 1, "columns": 1, "sync": True},
        {"slides": [SLIDE, OTHER_SLIDE], "rows": 1, "columns": 1, "sync": True},
        {"slides": [SLIDE], "rows": 9, "columns": 9, "sync": True},
        {"slides": [SLIDE], "rows": "1", "columns": 1, "sync": True},
        {"slides": [SLIDE], "rows": 1, "columns": 1, "sync": "yes"},
        {"slides": [SLIDE], "rows": 1, "columns": 1, "sync": True, "extra": 1},
    ],
)
def test_a_bad_grid_does_not_validate(owner: AbstractUser, grid: dict[str, object]) -> None:
    share = Share(owner=owner, kind=Share.Kind.GRID, grid=grid)
    with pytest.raises(ValidationError):
        share.full_clean()


def test_a_slide_link_needs_a_clean_path(owner: AbstractUser) -> None:
    with pytest.raises(ValidationError):
        Share(owner=owner, kind=Share.Kind.SLIDE, path="demo/../a.svs").full_clean()


def test_recycling_replaces_the_link_with_a_new_token(owner: AbstractUser) -> None:
    old = make_share(
        owner, password="pw-1", label="for Bob", include_annotations=True, suspended=True
    )
    ShareAccess.objects.create(share=old, outcome=ShareAccess.Outcome.OPENED)
    new = old.recycle()
    assert not Share.objects.filter(token=old.token).exists()
    assert new.token != old.token
    assert (new.kind, new.path, new.label, new.include_annotations) == (
        old.kind,
        old.path,
        "for Bob",
        True,
    )
    assert new.check_password("pw-1")
    assert new.state == Share.State.ACTIVE
    assert new.visits == 0
    assert not new.accesses.exists()


def test_recycling_can_change_expiry_and_password(owner: AbstractUser) -> None:
    with time_machine.travel(NOW, tick=False):
        old = make_share(owner, password="pw-1", expires_at=NOW - timedelta(days=1))
        new = old.recycle(expires_at=NOW + timedelta(days=7), password="pw-2")
        assert new.state == Share.State.ACTIVE
        assert new.check_password("pw-2")
        assert not new.check_password("pw-1")
        unlimited = new.recycle(expires_at=None, password="")
        assert unlimited.expires_at is None
        assert not unlimited.has_password


def test_recycling_keeps_expiry_unless_told(owner: AbstractUser) -> None:
    expiry = datetime(2099, 1, 1, tzinfo=UTC)
    share = make_share(owner, expires_at=expiry)
    assert share.recycle(expires_at=KEEP).expires_at == expiry


def test_a_visit_counts_and_logs(owner: AbstractUser) -> None:
    share = make_share(owner)
    with time_machine.travel(NOW, tick=False):
        share.record_visit("192.0.2.7")
    share.refresh_from_db()
    assert (share.visits, share.last_visit) == (1, NOW)
    access = share.accesses.get()
    assert (access.ip, access.outcome, access.time) == ("192.0.2.7", "opened", NOW)


def test_a_new_password_changes_the_unlock_key(owner: AbstractUser) -> None:
    share = make_share(owner, password="one")
    before = share.unlock_key()
    share.set_password("two")
    assert share.unlock_key() != before
    assert share.unlock_key().startswith(f"{share.pk}:")
