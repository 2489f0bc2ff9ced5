"""The admin's view of every share link."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharing.models import Share, ShareAccess
from tests.base import client_for
from tests.sharing.factory import make_share

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:sharing_share_changelist")


@pytest.fixture
def admin_client_(admin: AbstractUser) -> Client:
    return client_for(admin)


@pytest.fixture
def shares(owner: AbstractUser, colleague: AbstractUser) -> dict[str, Share]:
    return {
        "active": make_share(owner, label="tumour board"),
        "suspended": make_share(colleague, suspended=True, path="demo/lung/x.svs"),
        "expired": make_share(owner, expires_at=timezone.now() - timedelta(days=1)),
        "folder": make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast"),
        "grid": make_share(
            colleague,
            kind=Share.Kind.GRID,
            grid={"slides": ["demo/kidney/k1.svs"], "rows": 1, "columns": 1, "sync": False},
        ),
    }


def listed(response: object) -> set[int]:
    return {share.pk for share in response.context["cl"].result_list}  # type: ignore[attr-defined]


def test_the_list_shows_every_users_links(admin_client_: Client, shares: dict[str, Share]) -> None:
    response = admin_client_.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {share.pk for share in shares.values()}
    page = response.content.decode()
    for column in ("Owner", "Kind", "State", "Created", "Expires at", "Visits", "Last visit"):
        assert column in page


@pytest.mark.parametrize("state", ["active", "suspended", "expired"])
def test_it_filters_by_state(admin_client_: Client, shares: dict[str, Share], state: str) -> None:
    response = admin_client_.get(CHANGELIST, {"state": state})
    expected = {share.pk for share in shares.values() if share.state == state}
    assert listed(response) == expected
    assert shares[state].pk in expected


def test_it_filters_by_kind_and_owner(
    admin_client_: Client, shares: dict[str, Share], colleague: AbstractUser
) -> None:
    assert listed(admin_client_.get(CHANGELIST, {"kind__exact": "folder"})) == {shares["folder"].pk}
    assert listed(admin_client_.get(CHANGELIST, {"owner__id__exact": colleague.pk})) == {
        shares["suspended"].pk,
        shares["grid"].pk,
    }


@pytest.mark.parametrize(
    ("query", "key"),
    [("tumour", "active"), ("demo/lung", "suspended"), ("k1.svs", "grid"), ("breast", "folder")],
)
def test_it_searches_targets_and_labels(
    admin_client_: Client, shares: dict[str, Share], query: str, key: str
) -> None:
    found = listed(admin_client_.get(CHANGELIST, {"q": query}))
    assert shares[key].pk in found
    if key != "folder":
        assert found == {shares[key].pk}


def test_it_searches_owners_usernames(
    admin_client_: Client, shares: dict[str, Share], colleague: AbstractUser
) -> None:
    found = listed(admin_client_.get(CHANGELIST, {"q": colleague.username}))
    assert found == {s.pk for s in shares.values() if s.owner_id == colleague.pk}
    assert found


def test_bulk_suspend_and_reactivate(admin_client_: Client, shares: dict[str, Share]) -> None:
    chosen = [shares["active"].pk, shares["folder"].pk]
    response = admin_client_.post(
        CHANGELIST, {"action": "suspend", "_selected_action": chosen}, follow=True
    )
    assert "Suspended 2 link(s)." in response.content.decode()
    assert set(Share.objects.in_state("suspended").values_list("pk", flat=True)) == {
        *chosen,
        shares["suspended"].pk,
    }
    admin_client_.post(
        CHANGELIST,
        {"action": "reactivate", "_selected_action": [*chosen, shares["suspended"].pk]},
    )
    assert not Share.objects.in_state("suspended").exists()


def test_reactivating_an_expired_link_warns(
    admin_client_: Client, shares: dict[str, Share]
) -> None:
    response = admin_client_.post(
        CHANGELIST,
        {"action": "reactivate", "_selected_action": [shares["expired"].pk]},
        follow=True,
    )
    assert "1 of them have expired" in response.content.decode()


def test_bulk_delete_really_deletes(
    admin_client_: Client, shares: dict[str, Share], client: Client
) -> None:
    doomed = shares["active"]
    admin_client_.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )
    assert not Share.objects.filter(pk=doomed.pk).exists()
    assert client.get(f"/s/{doomed.token}/").status_code == 404


def test_the_change_form_hides_the_password_and_sets_a_new_one(
    admin_client_: Client, owner: AbstractUser
) -> None:
    share = make_share(owner, password="old-pw")
    url = reverse("admin:sharing_share_change", args=[share.pk])
    page = admin_client_.get(url).content.decode()
    assert share.token in page
    assert share.password not in page
    assert "set" in page
    data = {
        "owner": owner.pk,
        "kind": "slide",
        "path": share.path,
        "grid": "{}",
        "label": "",
        "new_password": "new-pw",
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.check_password("new-pw")
    admin_client_.post(url, {**data, "new_password": "", "remove_password": "on"})
    share.refresh_from_db()
    assert not share.has_password


def test_the_access_log_is_read_only(admin_client_: Client, owner: AbstractUser) -> None:
    share = make_share(owner)
    ShareAccess.objects.create(share=share, ip="192.0.2.1", outcome="wrong_password")
    ShareAccess.objects.create(share=make_share(owner), ip="192.0.2.2", outcome="opened")
    url = reverse("admin:sharing_shareaccess_changelist")
    response = admin_client_.get(url, {"share__id__exact": share.pk})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    assert "Wrong password" in response.content.decode()
    assert admin_client_.get(reverse("admin:sharing_shareaccess_add")).status_code == 403
    assert admin_client_.get(url, {"outcome__exact": "opened"}).status_code == 200


def test_the_list_takes_a_fixed_number_of_queries(
    admin_client_: Client, shares: dict[str, Share], django_assert_max_num_queries: object
) -> None:
    for _ in range(10):
        make_share(shares["active"].owner)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        admin_client_.get(CHANGELIST)


def test_ordinary_users_cannot_see_the_admin(owner: AbstractUser) -> None:
    assert client_for(owner).get(CHANGELIST).status_code == 302


def _change(share: Share, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "owner": share.owner_id,
        "kind": share.kind,
        "path": share.path,
        "grid": json.dumps(share.grid),
        "label": share.label,
    }
    return {**data, **fields}


def test_adding_a_slide_to_a_grid_keeps_the_fingerprints_of_the_others(
    admin_client_: Client, owner: AbstractUser
) -> None:
    grid = {"slides": ["demo/a.svs", "demo/b.svs"], "rows": 1, "columns": 2, "sync": False}
    share = make_share(owner, kind=Share.Kind.GRID, grid=grid, fingerprints=["fa", "fb"])
    url = reverse("admin:sharing_share_change", args=[share.pk])
    wider = {**grid, "slides": ["demo/b.svs", "demo/c.svs", "demo/a.svs"], "columns": 3}
    response = admin_client_.post(url, _change(share, grid=json.dumps(wider)))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.slide_paths == ["demo/b.svs", "demo/c.svs", "demo/a.svs"]
    assert share.fingerprints == ["fb", "", "fa"]  # c's is noted when it is first shown


def test_a_link_pointed_at_another_slide_forgets_the_old_ones_fingerprint(
    admin_client_: Client, owner: AbstractUser
) -> None:
    # Else, while the new path names nothing, the link would find the old slide again.
    share = make_share(owner, path="demo/wrong.svs", fingerprints=["f-wrong"])
    url = reverse("admin:sharing_share_change", args=[share.pk])
    response = admin_client_.post(url, _change(share, path="demo/right.svs"))
    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.path, share.fingerprint_of(0)) == ("demo/right.svs", "")
    response = admin_client_.post(url, _change(share, kind="folder", path="demo"))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.fingerprints == []
