"""Creating a link from the cockpit: POST /sharing/links/ (the Share dialog and buttons)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharing.models import Share
from tests.sharing.factory import OTHER_SLIDE, SLIDE

pytestmark = pytest.mark.django_db
URL = reverse("sharing:create")


def test_it_creates_a_slide_link_with_defaults(owner: AbstractUser, owner_client: Client) -> None:
    response = owner_client.post(URL, {"kind": "slide", "slide": SLIDE})
    assert response.status_code == 201
    answer = response.json()
    share = Share.objects.get()
    assert (share.owner, share.kind, share.path) == (owner, "slide", SLIDE)
    assert not share.has_password and share.expires_at is None
    assert not share.include_annotations
    assert answer["url"] == f"http://testserver/s/{share.token}/"
    assert SLIDE not in answer["url"]
    assert answer["qrPng"] == f"/s/{share.token}/qr.png"
    assert answer["qrSvgDownload"] == f"/s/{share.token}/qr.svg?download=1"
    assert owner_client.get(answer["qrPng"])["Content-Type"] == "image/png"


def test_it_takes_every_option(owner_client: Client) -> None:
    before = timezone.now()
    options = {
        "password": "s3cret",
        "expires_in": "1d",
        "include_annotations": "true",
        "label": "tumour <board>",
    }
    response = owner_client.post(URL, {"kind": "slide", "slide": SLIDE, **options})
    assert response.status_code == 201
    share = Share.objects.get()
    assert share.check_password("s3cret")
    assert before + timedelta(days=1) <= share.expires_at <= timezone.now() + timedelta(days=1)
    assert share.include_annotations
    assert share.label == "tumour <board>"
    assert response.json()["hasPassword"] is True


def test_it_takes_an_expiry_date(owner_client: Client) -> None:
    response = owner_client.post(
        URL, {"kind": "slide", "slide": SLIDE, "expires_at": "2099-05-03T09:30:00+02:00"}
    )
    assert response.status_code == 201
    assert Share.objects.get().expires_at == datetime(2099, 5, 3, 7, 30, tzinfo=UTC)


def test_at_a_date_takes_the_date(owner_client: Client) -> None:
    data = {"kind": "slide", "slide": SLIDE, "expires_in": "at", "expires_at": "2099-05-03T07:30Z"}
    assert owner_client.post(URL, data).status_code == 201
    assert Share.objects.get().expires_at == datetime(2099, 5, 3, 7, 30, tzinfo=UTC)


def test_at_a_date_without_a_date_is_refused_not_a_link_that_never_expires(
    owner_client: Client,
) -> None:
    response = owner_client.post(
        URL, {"kind": "slide", "slide": SLIDE, "expires_in": "at", "expires_at": ""}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["expires_at"] == ["Choose the date and time the link expires."]
    assert not Share.objects.exists()


def test_a_folder_link_defaults_to_the_slides_folder(owner_client: Client) -> None:
    assert owner_client.post(URL, {"kind": "folder", "slide": SLIDE}).status_code == 201
    assert Share.objects.get().path == "demo/breast/CASE-001"


def test_a_folder_link_takes_the_browsers_folder(owner_client: Client) -> None:
    assert owner_client.post(URL, {"kind": "folder", "folder": "demo/skin"}).status_code == 201
    assert Share.objects.get().path == "demo/skin"


def test_a_grid_link_keeps_the_viewers_grid(owner_client: Client) -> None:
    grid = {"rows": 2, "columns": 2, "sync": True, "cells": [SLIDE, None, OTHER_SLIDE, None]}
    response = owner_client.post(URL, {"kind": "grid", "grid": json.dumps(grid)})
    assert response.status_code == 201
    share = Share.objects.get()
    assert share.grid == {"slides": [SLIDE, OTHER_SLIDE], "rows": 2, "columns": 2, "sync": True}


def test_a_grid_link_without_a_grid_is_the_slide_alone(owner_client: Client) -> None:
    assert owner_client.post(URL, {"kind": "grid", "slide": SLIDE}).status_code == 201
    assert Share.objects.get().grid == {"slides": [SLIDE], "rows": 1, "columns": 1, "sync": False}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "slide"}, "slide"),
        ({"kind": "movie", "slide": SLIDE}, "kind"),
        ({"kind": "slide", "slide": "../etc/passwd"}, "slide"),
        ({"kind": "slide", "slide": "demo/nope.svs"}, "slide"),
        ({"kind": "folder", "folder": "demo/nope"}, "folder"),
        ({"kind": "folder"}, "folder"),
        ({"kind": "grid", "grid": "[1, 2]"}, "grid"),
        ({"kind": "grid", "grid": '{"rows": 1, "columns": 1, "sync": 1, "cells": []}'}, "grid"),
        ({"kind": "slide", "slide": SLIDE, "expires_at": "2001-01-01T00:00Z"}, "expires_at"),
        ({"kind": "slide", "slide": SLIDE, "expires_at": "soon"}, "expires_at"),
        ({"kind": "slide", "slide": SLIDE, "expires_in": "1y"}, "expires_in"),
        ({"kind": "slide", "slide": SLIDE, "include_annotations": "maybe"}, "include_annotations"),
        ({"kind": "slide", "slide": SLIDE, "label": "x" * 201}, "label"),
    ],
)
def test_bad_input_is_400_with_field_errors(
    owner_client: Client, data: dict[str, str], field: str
) -> None:
    response = owner_client.post(URL, data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Share.objects.exists()


def test_it_needs_a_login(client: Client) -> None:
    response = client.post(URL, {"kind": "slide", "slide": SLIDE})
    assert response.status_code == 302
    assert not Share.objects.exists()


def test_it_needs_a_post(owner_client: Client) -> None:
    assert owner_client.get(URL).status_code == 405


def test_it_needs_the_csrf_token(owner: AbstractUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(URL, {"kind": "slide", "slide": SLIDE}).status_code == 403
