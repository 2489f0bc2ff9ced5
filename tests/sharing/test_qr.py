"""The owner's QR codes of a share link."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pytest
import zxingcpp
from django.contrib.auth.models import AbstractUser
from django.test import Client
from PIL import Image

from sharing.models import Share
from tests.base import client_for
from tests.sharing.factory import make_share

pytestmark = pytest.mark.django_db


def qr_url(share: Share, fmt: str) -> str:
    return f"/s/{share.token}/qr.{fmt}"


def test_the_png_decodes_to_exactly_the_share_url(owner: AbstractUser) -> None:
    share = make_share(owner, password="pw")
    response = client_for(owner).get(qr_url(share, "png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [r.text for r in results] == [f"http://testserver/s/{share.token}/"]


def test_the_url_follows_the_host_the_owner_uses(owner: AbstractUser) -> None:
    share = make_share(owner)
    response = client_for(owner).get(qr_url(share, "png"), secure=True, HTTP_HOST="localhost")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert results[0].text == f"https://localhost/s/{share.token}/"


def test_the_svg_is_valid_xml_with_an_svg_element(owner: AbstractUser) -> None:
    share = make_share(owner)
    response = client_for(owner).get(qr_url(share, "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_it_downloads_on_request(owner: AbstractUser, fmt: str) -> None:
    share = make_share(owner)
    response = client_for(owner).get(qr_url(share, fmt) + "?download=1")
    assert response["Content-Disposition"] == f'attachment; filename="share-qr.{fmt}"'
    assert client_for(owner).get(qr_url(share, fmt) + "?download=x").status_code == 400


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_strangers_and_visitors_get_404(
    owner: AbstractUser, stranger: AbstractUser, admin: AbstractUser, client: Client, fmt: str
) -> None:
    share = make_share(owner)
    assert client.get(qr_url(share, fmt)).status_code == 404
    assert client_for(stranger).get(qr_url(share, fmt)).status_code == 404
    assert client_for(admin).get(qr_url(share, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_a_gone_link_has_no_qr_code_even_for_its_owner(owner: AbstractUser, fmt: str) -> None:
    share = make_share(owner, suspended=True)
    response = client_for(owner).get(qr_url(share, fmt))
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/plain")


def test_an_unknown_token_is_404(owner: AbstractUser) -> None:
    assert client_for(owner).get("/s/" + "B" * 43 + "/qr.png").status_code == 404


def test_qr_codes_refuse_framing(owner: AbstractUser) -> None:
    response = client_for(owner).get(qr_url(make_share(owner), "svg"))
    assert response["X-Frame-Options"] == "DENY"
