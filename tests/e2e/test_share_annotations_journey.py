"""A link that includes annotations shows them, read-only, with the policy in force."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser
# Not the sharing journey's slide: its admin search expects that slide's links to be its own.
SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"
SQUARE = "POLYGON ((200 200, 1200 200, 1200 900, 200 900, 200 200))"


def create_link(page: Page, live_studio: LiveStudio, *, annotations: bool) -> str:
    response = live_studio.post(
        page,
        "/sharing/links/",
        form={"kind": "slide", "slide": SLIDE, "include_annotations": str(annotations).lower()},
    )
    assert response.status == 201, response.text()
    return str(response.json()["url"])


def test_a_link_with_annotations_shows_them_and_one_without_does_not(
    browser: Browser, browser_page: Page, live_studio: LiveStudio
) -> None:
    owner = browser_page
    live_studio.login(owner)
    annotation_id = live_studio.add_annotation(owner, SLIDE, SQUARE, "Tumor")
    with_annotations = create_link(owner, live_studio, annotations=True)
    without = create_link(owner, live_studio, annotations=False)

    # A recipient without an account, the Content-Security-Policy in force.
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    recipient = context.new_page()
    errors: list[str] = []
    recipient.on("pageerror", lambda error: errors.append(str(error)))
    recipient.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        with recipient.expect_response(lambda r: "/annotations?" in r.url) as listed:
            recipient.goto(with_annotations)
        assert listed.value.status == 200
        # (other journeys may have left annotations of their own on the slide)
        assert annotation_id in [item["id"] for item in listed.value.json()["annotations"]]
        viewer = recipient.locator(".share-cell .viewer").first
        expect(viewer).to_have_attribute("data-annotations", "ready", timeout=30_000)
        assert errors == []

        recipient.goto(without)
        expect(recipient.locator(".share-cell .openseadragon-canvas").first).to_be_visible()
        expect(recipient.locator(".share-cell .viewer").first).not_to_have_attribute(
            "data-annotations", "ready"
        )
        assert errors == []
    finally:
        context.close()
        live_studio.delete_annotation(owner, SLIDE, annotation_id)
