"""The custom URL panels a user defines in the "More" dialog: create, validate, delete."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from pytest_django.fixtures import Settings

from panels.models import MAX_CUSTOM_PANELS, UserCustomPanel
from tests.base import FAST_HASHERS, client_for, make_user

pytestmark = pytest.mark.django_db

CREATE = "/panels/custom-panels/"
LIMS = "https://lims.example.org/case?slide={slide}&token={token}"


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


def test_it_creates_a_custom_panel(owner: AbstractUser, owner_client: Client) -> None:
    response = owner_client.post(CREATE, {"title": "  LIMS case ", "url_template": LIMS})
    assert response.status_code == 201
    panel = UserCustomPanel.objects.get(user=owner)
    assert (panel.title, panel.url_template) == ("LIMS case", LIMS)
    answer = response.json()
    assert answer["pk"] == panel.pk
    assert answer["id"] == f"user-custom-{panel.pk}"
    assert answer["title"] == "LIMS case"
    assert answer["deleteUrl"] == f"/panels/custom-panels/{panel.pk}/"


def test_the_cockpit_lists_the_users_panels(owner: AbstractUser, owner_client: Client) -> None:
    UserCustomPanel.objects.create(user=owner, title="Mine", url_template=LIMS)
    UserCustomPanel.objects.create(
        user=make_user("someone"), title="Theirs", url_template="{server}/x"
    )
    response = owner_client.get("/")
    titles = [p["title"] for p in response.context["cockpit_data"]["userPanels"]]
    assert titles == ["Mine"]
    assert b"Theirs" not in response.content


def test_it_accepts_templates_that_start_with_the_server(owner_client: Client) -> None:
    body = {"title": "Label", "url_template": "{server}/panels/demo/label/?slide={slide}"}
    assert owner_client.post(CREATE, body).status_code == 201


@pytest.mark.parametrize(
    "template",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/{slide}",
        "https://{slide}.example.org/",
        "https://lims.example.org/?case={case}",
        "",
    ],
)
def test_it_refuses_unsafe_or_unknown_templates(owner_client: Client, template: str) -> None:
    response = owner_client.post(CREATE, {"title": "Bad", "url_template": template})
    assert response.status_code == 400
    assert response.json()["errors"]["url_template"]
    assert not UserCustomPanel.objects.exists()


def test_it_needs_a_title(owner_client: Client) -> None:
    response = owner_client.post(CREATE, {"title": "   ", "url_template": LIMS})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]


def test_it_limits_how_many_panels_a_user_keeps(owner: AbstractUser, owner_client: Client) -> None:
    UserCustomPanel.objects.bulk_create(
        UserCustomPanel(user=owner, title=f"P{i}", url_template=LIMS)
        for i in range(MAX_CUSTOM_PANELS)
    )
    response = owner_client.post(CREATE, {"title": "One more", "url_template": LIMS})
    assert response.status_code == 400
    assert UserCustomPanel.objects.count() == MAX_CUSTOM_PANELS


def test_it_refuses_get_on_create(owner_client: Client) -> None:
    assert owner_client.get(CREATE).status_code == 405


def test_the_owner_deletes_a_panel(owner: AbstractUser, owner_client: Client) -> None:
    panel = UserCustomPanel.objects.create(user=owner, title="Mine", url_template=LIMS)
    assert owner_client.delete(f"/panels/custom-panels/{panel.pk}/").status_code == 204
    assert not UserCustomPanel.objects.exists()


def test_a_stranger_cannot_delete_someone_elses_panel(
    owner: AbstractUser, stranger: AbstractUser
) -> None:
    panel = UserCustomPanel.objects.create(user=owner, title="Mine", url_template=LIMS)
    response = client_for(stranger).delete(f"/panels/custom-panels/{panel.pk}/")
    assert response.status_code == 404
    assert UserCustomPanel.objects.filter(pk=panel.pk).exists()


def test_deleting_needs_the_delete_method(owner: AbstractUser, owner_client: Client) -> None:
    panel = UserCustomPanel.objects.create(user=owner, title="Mine", url_template=LIMS)
    assert owner_client.post(f"/panels/custom-panels/{panel.pk}/").status_code == 405
    assert owner_client.get(f"/panels/custom-panels/{panel.pk}/").status_code == 405


def test_anonymous_users_are_sent_to_login(client: Client) -> None:
    response = client.post(CREATE, {"title": "LIMS", "url_template": LIMS})
    assert response.status_code == 302
    assert not UserCustomPanel.objects.exists()
