"""Every page carries the studio's Content-Security-Policy; no template has inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from studio.lib.csp import content_security_policy
from tests.base import csp_directives

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url", ["/login/", "/admin/login/", "/no/such/page/"])
def test_anonymous_pages_allow_scripts_from_the_studio_only(client: Client, url: str) -> None:
    directives = csp_directives(client.get(url))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_cockpit_has_the_policy_with_eval_for_its_annotation_layer(
    owner_client: Client,
) -> None:
    # PixiJS (inside Annotorious) will not start without eval; still no inline script.
    directives = csp_directives(owner_client.get(reverse("home")))
    assert directives["script-src"] == "'self' 'unsafe-eval'"
    assert directives["frame-ancestors"] == "'none'"
    viewer = csp_directives(owner_client.get(reverse("viewer"), {"slide": "x/y.svs"}))
    assert viewer["script-src"] == "'self'"


def test_pages_framed_by_the_studio_itself_say_so(owner_client: Client) -> None:
    response = owner_client.get(reverse("panels:demo-label"))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert csp_directives(response)["frame-ancestors"] == "'self'"


def test_the_policy_has_no_unsafe_script_source() -> None:
    policy = content_security_policy()
    assert "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in csp_directives_of(policy)["script-src"]


def csp_directives_of(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_no_template_holds_inline_script_or_event_handlers() -> None:
    templates = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
    ]
    assert templates
    for template in templates:
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "application/json" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template
