"""POST/DELETE /panels/arrangement/<layout>/: a user's own panel arrangement per layout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from panels.models import MAX_ARRANGEMENT_BYTES, Arrangement
from tests.base import FAST_HASHERS, client_for, make_user

pytestmark = pytest.mark.django_db

URL = "/panels/arrangement/default/"


def state(*groups: list[str], **extra: Any) -> dict[str, Any]:
    """A dockview-shaped state: one row of groups, each a list of panel ids (= types)."""
    leaves = [
        {
            "type": "leaf",
            "size": 100,
            "data": {"id": f"g{i}", "views": views, "activeView": views[0]},
        }
        for i, views in enumerate(groups)
    ]
    panels = {
        view: {"id": view, "contentComponent": "panel", "title": view, "params": {"type": view}}
        for views in groups
        for view in views
    }
    grid = {"root": {"type": "branch", "size": 600, "data": leaves}, "width": 800, "height": 600}
    return {"grid": {**grid, "orientation": "HORIZONTAL"}, "panels": panels, **extra}


def post(client: Client, body: Any, url: str = URL) -> Any:
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def owner(settings: Settings) -> AbstractUser:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return make_user("owner")


@pytest.fixture
def stranger(settings: Settings) -> AbstractUser:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return make_user("stranger")


@pytest.fixture
def owner_client(owner: AbstractUser) -> Client:
    return client_for(owner)


def test_it_saves_the_arrangement(owner: AbstractUser, owner_client: Client) -> None:
    saved = state(["browser"], ["viewer"], ["info", "label"])
    assert post(owner_client, saved).status_code == 204
    assert Arrangement.objects.get(user=owner, layout_id="default").state == saved


def test_the_cockpit_starts_from_the_saved_arrangement(owner_client: Client) -> None:
    saved = state(["viewer", "browser"])
    post(owner_client, saved)
    data = owner_client.get("/").context["cockpit_data"]
    assert data["arrangement"] == saved


def test_saving_again_replaces_the_arrangement(owner: AbstractUser, owner_client: Client) -> None:
    post(owner_client, state(["browser"], ["viewer"]))
    post(owner_client, state(["viewer"]))
    assert Arrangement.objects.get(user=owner).state == state(["viewer"])


def test_arrangements_are_kept_per_layout(owner: AbstractUser, owner_client: Client) -> None:
    post(owner_client, state(["viewer"]))
    post(owner_client, state(["browser"]), "/panels/arrangement/reading/")
    assert Arrangement.objects.filter(user=owner).count() == 2
    assert owner_client.get("/?layout=reading").context["cockpit_data"]["arrangement"] == state(
        ["browser"]
    )


def test_delete_resets_to_the_layout_file(owner: AbstractUser, owner_client: Client) -> None:
    post(owner_client, state(["viewer"]))
    assert owner_client.delete(URL).status_code == 204
    assert not Arrangement.objects.filter(user=owner).exists()
    assert owner_client.get("/").context["cockpit_data"]["arrangement"] is None
    assert owner_client.delete(URL).status_code == 204, "resetting twice is fine"


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_it_refuses_other_methods(owner_client: Client, method: str) -> None:
    assert getattr(owner_client, method)(URL).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        json.dumps([1, 2]),
        json.dumps({"panels": {}}),
        json.dumps({"grid": {"root": {"type": "leaf", "data": {}}}, "panels": {}}),
        json.dumps(state(["nonsense"])),
        json.dumps({**state(["viewer"]), "panels": {}}),
        json.dumps({**state(["viewer"]), "panels": {"viewer": {"id": "other"}}}),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "not-an-object",
        "no-grid",
        "leaf-root",
        "unknown-type",
        "unlisted-view",
        "mismatched-id",
    ],
)
def test_it_refuses_bad_arrangements(owner_client: Client, body: str | bytes) -> None:
    response = post(owner_client, body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Arrangement.objects.exists()


def test_it_refuses_deeply_nested_grids(owner_client: Client) -> None:
    node: dict[str, Any] = {"type": "leaf", "data": {"id": "g", "views": ["viewer"]}}
    for _ in range(40):
        node = {"type": "branch", "data": [node]}
    body = {**state(["viewer"]), "grid": {"root": node}}
    assert post(owner_client, body).status_code == 400


def test_it_refuses_arrangements_that_are_too_large(owner_client: Client) -> None:
    body = state(["viewer"], padding="x" * MAX_ARRANGEMENT_BYTES)
    response = post(owner_client, body)
    assert response.status_code == 400
    assert "larger" in response.json()["error"]


def test_it_answers_404_for_an_unknown_layout(owner_client: Client) -> None:
    response = post(owner_client, state(["viewer"]), "/panels/arrangement/no-such-layout/")
    assert response.status_code == 404


def test_other_users_arrangements_are_their_own(
    owner: AbstractUser, owner_client: Client, stranger: AbstractUser
) -> None:
    post(owner_client, state(["viewer"]))
    stranger_client = client_for(stranger)
    assert stranger_client.get("/").context["cockpit_data"]["arrangement"] is None
    assert stranger_client.delete(URL).status_code == 204
    assert Arrangement.objects.filter(user=owner).exists()
    post(stranger_client, state(["browser"]))
    assert Arrangement.objects.get(user=owner).state == state(["viewer"])


def test_it_needs_the_csrf_token(owner: AbstractUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    body = json.dumps(state(["viewer"]))
    assert client.post(URL, body, content_type="application/json").status_code == 403
    assert client.delete(URL).status_code == 403

    client.get("/")  # sets the CSRF cookie, as the cockpit page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 204


def test_it_sends_anonymous_users_to_login(client: Client) -> None:
    response = post(client, state(["viewer"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_deeply_nested_arrangement_is_400(owner_client: Client) -> None:
    deep = "[" * 30_000 + "]" * 30_000
    response = post(owner_client, deep)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]
