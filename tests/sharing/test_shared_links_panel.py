"""The shared-links panel: the owner's links, filters, and per-link actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sharing.models import Share
from tests.base import client_for
from tests.sharing.factory import make_share

pytestmark = pytest.mark.django_db
PANEL = reverse("sharing:panel")
HTMX = {"HX-Request": "true"}
LIST = {"HX-Request": "true", "HX-Target": "shared-links-list"}


def action(name: str, share: Share) -> str:
    return reverse(f"sharing:{name}", args=[share.pk])


def rows(response: object) -> set[Share]:
    """The links the rendered list shows."""
    page = response.content.decode()  # type: ignore[attr-defined]
    return set(Share.objects.filter(pk__in=re.findall(r'data-share="(\d+)"', page)))


@pytest.fixture
def shares(owner: AbstractUser, colleague: AbstractUser) -> dict[str, Share]:
    return {
        "active": make_share(owner, label="<i>board</i>", include_annotations=True),
        "suspended": make_share(owner, suspended=True, password="pw"),
        "expired": make_share(owner, expires_at=timezone.now() - timedelta(days=1)),
        "folder": make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast"),
        "theirs": make_share(colleague),
    }


def test_it_lists_the_owners_links_only(
    owner_client: Client,
    shares: dict[str, Share],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    owner_client.get(PANEL, headers=HTMX)  # session and user are loaded once per request
    with django_assert_num_queries(3):  # the user, the links, their moves (session cached)
        response = owner_client.get(PANEL, headers=HTMX)
    assert response.status_code == 200
    assert rows(response) == {shares[k] for k in ("active", "suspended", "expired", "folder")}
    page = response.content.decode()
    assert "&lt;i&gt;board&lt;/i&gt;" in page
    assert f"http://testserver/s/{shares['active'].token}/" in page
    assert shares["theirs"].token not in page
    assert "<html" not in page  # a fragment for the shell's panel


def test_without_htmx_it_is_a_page_with_the_share_dialog(owner_client: Client) -> None:
    page = owner_client.get(PANEL).content.decode()
    assert "<html" in page
    assert 'id="share-dialog"' in page
    assert "share-dialog.js" in page


def test_it_shows_state_password_annotations_and_visits(
    owner_client: Client, shares: dict[str, Share]
) -> None:
    page = owner_client.get(PANEL, headers=HTMX).content.decode()
    for state in ("active", "suspended", "expired"):
        assert f'data-share="{shares[state].pk}" data-state="{state}"' in page
    assert "Re-activate" in page and "Suspend" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "active"}, {"active", "folder"}),
        ({"state": "suspended"}, {"suspended"}),
        ({"state": "expired"}, {"expired"}),
        ({"kind": "folder"}, {"folder"}),
        ({"state": "active", "kind": "slide"}, {"active"}),
    ],
)
def test_it_filters_by_state_and_kind(
    owner_client: Client, shares: dict[str, Share], query: dict[str, str], expected: set[str]
) -> None:
    response = owner_client.get(PANEL, query, headers=LIST)
    assert rows(response) == {shares[name] for name in expected}
    assert "<select" not in response.content.decode().split("<table")[0]  # only the list


def test_a_bad_filter_is_400(owner_client: Client) -> None:
    assert owner_client.get(PANEL, {"state": "nope"}).status_code == 400


def test_it_needs_a_login(client: Client) -> None:
    assert client.get(PANEL).status_code == 302


def test_suspend_and_reactivate(owner_client: Client, shares: dict[str, Share]) -> None:
    share = shares["active"]
    response = owner_client.post(action("suspend", share), {"state": "suspended"}, headers=HTMX)
    assert response.status_code == 200
    share.refresh_from_db()
    assert share.suspended
    assert share in rows(response)  # re-rendered with the filters the panel shows
    owner_client.post(action("reactivate", share), headers=HTMX)
    share.refresh_from_db()
    assert not share.suspended


def test_delete(owner_client: Client, shares: dict[str, Share]) -> None:
    response = owner_client.post(action("delete", shares["active"]), headers=HTMX)
    assert response.status_code == 200
    assert not Share.objects.filter(pk=shares["active"].pk).exists()
    assert shares["active"] not in rows(response)


def test_recycle_keeps_options_unless_told(owner_client: Client, shares: dict[str, Share]) -> None:
    old = shares["suspended"]
    owner_client.post(action("recycle", old), {"expiry": "keep"}, headers=HTMX)
    assert not Share.objects.filter(pk=old.pk).exists()
    fresh = Share.objects.exclude(pk__in=[s.pk for s in shares.values()]).get()
    assert fresh.token != old.token
    assert fresh.check_password("pw")


def test_recycle_with_a_new_expiry_and_password(
    owner_client: Client, shares: dict[str, Share]
) -> None:
    old = shares["expired"]
    owner_client.post(action("recycle", old), {"expiry": "1w", "password": "new"}, headers=HTMX)
    fresh = Share.objects.exclude(pk__in=[s.pk for s in shares.values()]).get()
    assert fresh.state == Share.State.ACTIVE
    assert fresh.expires_at > timezone.now() + timedelta(days=6)
    assert fresh.check_password("new")


def test_recycle_can_remove_the_password(owner_client: Client, shares: dict[str, Share]) -> None:
    owner_client.post(action("recycle", shares["suspended"]), {"remove_password": "true"})
    fresh = Share.objects.exclude(pk__in=[s.pk for s in shares.values()]).get()
    assert not fresh.has_password


def test_recycle_refuses_bad_options(owner_client: Client, shares: dict[str, Share]) -> None:
    response = owner_client.post(action("recycle", shares["active"]), {"expiry": "forever"})
    assert response.status_code == 400
    assert Share.objects.filter(pk=shares["active"].pk).exists()


@pytest.mark.parametrize("name", ["suspend", "reactivate", "recycle", "delete"])
def test_other_users_links_are_404(
    stranger: AbstractUser, shares: dict[str, Share], name: str
) -> None:
    share = shares["active"]
    response = client_for(stranger).post(action(name, share), headers=HTMX)
    assert response.status_code == 404
    share.refresh_from_db()
    assert not share.suspended


@pytest.mark.parametrize("name", ["suspend", "reactivate", "recycle", "delete"])
def test_actions_need_a_post(owner_client: Client, shares: dict[str, Share], name: str) -> None:
    assert owner_client.get(action(name, shares["active"])).status_code == 405


def test_without_htmx_an_action_goes_back_to_the_panel(
    owner_client: Client, shares: dict[str, Share]
) -> None:
    response = owner_client.post(action("suspend", shares["active"]))
    assert response.status_code == 302
    assert response["Location"] == PANEL
