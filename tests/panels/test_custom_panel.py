"""Custom URL panels: the iframe, its URL template filled in, and the slide token in it."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from panels.lib.tokens import InvalidToken, make_token, read_token
from panels.lib.url_template import UrlTemplateError, expand
from panels.models import UserCustomPanel
from tests.base import client_for
from tests.panels.slide_fixtures import *  # noqa: F403
from tileserver import engine

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DEMO_PANEL = reverse("panels:custom", args=["default", "label-demo"])


def iframe_src(html: str) -> str:
    match = re.search(r'<iframe class="panel-frame" src="([^"]+)"', html)
    assert match, html
    return unescape(match.group(1))


def user_panel(user: AbstractUser, template: str) -> UserCustomPanel:
    return UserCustomPanel.objects.create(user=user, title="LIMS", url_template=template)


def test_the_layouts_demo_panel_is_an_iframe_of_the_demo_page(
    owner_client: Client, slide_path: str
) -> None:
    response = owner_client.get(DEMO_PANEL, {"slide": slide_path}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    # Our own origin: scripts, but not the origin that would let them lift the sandbox.
    assert 'sandbox="allow-scripts allow-forms allow-popups"' in html
    assert 'referrerpolicy="no-referrer"' in html
    src = urlsplit(iframe_src(html))
    assert (src.scheme, src.netloc, src.path) == ("http", "testserver", "/panels/demo/label/")
    query = parse_qs(src.query)
    assert query["slide"] == [slide_path]
    assert read_token(query["token"][0]).slide == slide_path


def test_the_token_is_read_only_for_this_slide_and_user(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    html = owner_client.get(DEMO_PANEL, {"slide": slide_path}, **HTMX).content.decode()
    token = read_token(parse_qs(urlsplit(iframe_src(html)).query)["token"][0])
    assert (token.slide, token.user_id) == (slide_path, owner.pk)


def test_the_tile_server_session_never_reaches_the_page(
    owner_client: Client, slide_path: str
) -> None:
    html = owner_client.get(DEMO_PANEL, {"slide": slide_path}, **HTMX).content.decode()
    assert owner_client.session["tile_session_id"] not in html


@pytest.mark.embedded_only
def test_all_placeholders_are_filled_and_encoded(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(
        owner, "https://lims.example.org/case?s={slide}&f={folder}&u={uid}&t={token}"
    )
    url = reverse("panels:user-custom", args=[panel.pk])
    src = iframe_src(owner_client.get(url, {"slide": slide_path}, **HTMX).content.decode())
    assert src.startswith("https://lims.example.org/case?s=")
    query = parse_qs(urlsplit(src).query)
    assert query["s"] == [slide_path]
    assert query["f"] == [slide_path.rsplit("/", 1)[0]]
    assert query["u"] == [engine.slide_info(slide_path).uid]
    assert read_token(query["t"][0]).slide == slide_path
    assert "/" not in src.split("?s=", 1)[1].split("&", 1)[0], "the path is URL-encoded"


@pytest.mark.parametrize(
    ("slide", "encoded"),
    [
        ("root/a & b/slide 1.svs", "root%2Fa%20%26%20b%2Fslide%201.svs"),
        ("root/Ünïcødé/é.svs", "root%2F%C3%9Cn%C3%AFc%C3%B8d%C3%A9%2F%C3%A9.svs"),
        ("root/x?y#z=1.svs", "root%2Fx%3Fy%23z%3D1.svs"),
    ],
)
def test_expand_encodes_awkward_slide_paths(slide: str, encoded: str) -> None:
    url = expand("{server}/p/?slide={slide}&x=1", {"server": "https://s.example", "slide": slide})
    assert url == f"https://s.example/p/?slide={encoded}&x=1"


@pytest.mark.parametrize(
    "template",
    [
        "javascript:alert(1)//{slide}",
        "data:text/html,{slide}",
        "ftp://files.example.org/{slide}",
        "//evil.example.org/{slide}",
        "https://{slide}.example.org/",
    ],
)
def test_non_http_templates_are_refused(template: str) -> None:
    with pytest.raises(UrlTemplateError):
        expand(template, {"slide": "a/b.svs"})


def test_a_stored_template_that_is_no_longer_valid_shows_a_message(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(owner, "javascript:alert(1)")
    url = reverse("panels:user-custom", args=[panel.pk])
    response = owner_client.get(url, {"slide": slide_path}, **HTMX)
    assert response.status_code == 200
    assert b"<iframe" not in response.content
    assert b"cannot be used" in response.content


def test_another_users_panel_is_404(
    colleague: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(colleague, "https://lims.example.org/?s={slide}")
    url = reverse("panels:user-custom", args=[panel.pk])
    assert owner_client.get(url, {"slide": slide_path}, **HTMX).status_code == 404
    assert client_for(colleague).get(url, {"slide": slide_path}).status_code == 200


def test_an_unknown_layout_panel_is_404(owner_client: Client, slides_dir: Path) -> None:
    assert owner_client.get(reverse("panels:custom", args=["default", "nope"])).status_code == 404
    assert (
        owner_client.get(reverse("panels:custom", args=["nope", "label-demo"])).status_code == 404
    )
    # A panel that is not a custom one has no URL to show.
    assert owner_client.get(reverse("panels:custom", args=["default", "info"])).status_code == 404


def test_anonymous_gets_no_custom_panel(client: Client) -> None:
    assert client.get(DEMO_PANEL, {"slide": "a/b.svs"}).status_code == 302
    assert client.get(DEMO_PANEL, {"slide": "a/b.svs"}, **HTMX).status_code == 401


def test_without_a_slide_it_asks_for_one(owner_client: Client, slides_dir: Path) -> None:
    response = owner_client.get(DEMO_PANEL, **HTMX)
    assert b"Select a slide" in response.content and b"<iframe" not in response.content


def test_a_missing_slide_is_a_banner(owner_client: Client, slides_dir: Path) -> None:
    response = owner_client.get(DEMO_PANEL, {"slide": "demo/none.svs"}, **HTMX)
    assert b"can't be opened" in response.content


# --- the token itself --------------------------------------------------------------------


def test_a_token_round_trips() -> None:
    token = read_token(make_token("root/a b.svs", 7))
    assert (token.slide, token.user_id) == ("root/a b.svs", 7)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: ""])
def test_a_tampered_token_is_invalid(mangle: Any) -> None:
    with pytest.raises(InvalidToken, match="not valid"):
        read_token(mangle(make_token("root/a.svs", 1)))


def test_a_token_signed_for_something_else_is_invalid() -> None:
    from django.core import signing

    forged = signing.dumps({"slide": "root/a.svs", "user": 1, "scope": "read"}, salt="other")
    with pytest.raises(InvalidToken):
        read_token(forged)
    write = signing.dumps(
        {"slide": "root/a.svs", "user": 1, "scope": "write"}, salt="panels.custom-token"
    )
    with pytest.raises(InvalidToken):
        read_token(write)


def test_a_token_expires() -> None:
    with time_machine.travel("2026-01-01 12:00:00Z", tick=False):
        token = make_token("root/a.svs", 1)
    with time_machine.travel("2026-01-01 12:14:00Z", tick=False):
        assert read_token(token).slide == "root/a.svs"
    with (
        time_machine.travel("2026-01-01 12:16:00Z", tick=False),
        pytest.raises(InvalidToken, match="expired"),
    ):
        read_token(token)


def test_a_page_of_another_origin_keeps_its_own_origin_in_the_sandbox(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(owner, "https://lims.example.org/case?s={slide}")
    url = reverse("panels:user-custom", args=[panel.pk])
    html = owner_client.get(url, {"slide": slide_path}, **HTMX).content.decode()
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-popups"' in html


def test_a_plain_url_receives_server_slide_uid_and_token(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(owner, "https://example.org/?a=1")
    url = reverse("panels:user-custom", args=[panel.pk])
    src = iframe_src(owner_client.get(url, {"slide": slide_path}, **HTMX).content.decode())
    query = parse_qs(urlsplit(src).query)
    assert query["a"] == ["1"]
    assert query["server"] == ["http://testserver/"]
    assert query["slide"] == [slide_path]
    assert re.fullmatch(r"[A-Za-z0-9]{10}", query["uid"][0])  # the tile server's UID
    assert read_token(query["token"][0]).slide == slide_path


def test_json_gives_a_following_frame_what_it_needs(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    panel = user_panel(owner, "https://example.org/")
    url = reverse("panels:user-custom", args=[panel.pk])
    data = owner_client.get(url, {"slide": slide_path, "format": "json"}).json()
    assert data["slide"] == slide_path
    assert data["folder"] == slide_path.rpartition("/")[0]
    assert re.fullmatch(r"[A-Za-z0-9]{10}", data["uid"])
    assert f"uid={data['uid']}&" in data["src"]
    assert read_token(data["token"]).slide == slide_path
    assert data["src"].startswith("https://example.org/?server=")
    assert owner_client.session["tile_session_id"] not in str(data)

    missing = owner_client.get(url, {"slide": "demo/none.svs", "format": "json"})
    assert missing.status_code == 404 and "error" in missing.json()
    assert owner_client.get(url, {"slide": slide_path, "format": "xml"}).status_code == 400
