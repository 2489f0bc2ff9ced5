"""The cockpit and a share page work with the Content-Security-Policy in force."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser
SLIDE = "demo/breast/CASE-001/CASE-001-A1.svs"


def test_pages_run_without_a_policy_violation(browser: Browser, live_studio: LiveStudio) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    try:
        live_studio.login(page)
        expect(page.locator(".dock .dv-tab").first).to_be_visible()
        page.goto(f"{live_studio.url}/viewer/?slide={SLIDE}")
        expect(page.locator(".openseadragon-canvas").first).to_be_visible()
        assert not violations, violations

        # The cockpit with a slide: its annotation layer (PixiJS) starts too.
        page.goto(f"{live_studio.url}/?slide={SLIDE}")
        expect(page.locator(".openseadragon-canvas").first).to_be_visible()
        expect(page.locator("[data-annotations]").first).to_have_attribute(
            "data-annotations", "ready"
        )
        assert not violations, violations

        # A live session's page, with a highlight drawn. (The session is started over HTTP:
        # a cockpit showing a slide loads the annotation layer, which is not this journey's.)
        started = live_studio.post(page, "/live/", form={"name": "csp-board", "nickname": "Dr CSP"})
        assert started.status == 201, started.text()
        page.goto(f"{live_studio.url}/live/csp-board/watch/?slide={SLIDE}")
        expect(page.locator('[data-role="status"]')).to_have_text("Live")
        expect(page.locator(".openseadragon-canvas").first).to_be_visible()
        page.get_by_role("button", name="Highlight", exact=True).click()
        box = page.locator("#viewer").bounding_box()
        assert box
        page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=4)
        page.mouse.up()
        expect(page.locator("#viewer .live-highlight")).to_have_count(1)
        assert not violations, violations
    finally:
        context.close()
