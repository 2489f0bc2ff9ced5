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
    finally:
        context.close()
