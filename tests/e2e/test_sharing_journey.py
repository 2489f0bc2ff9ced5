"""Sharing in a real browser: a password link from the Share dialog, opened by a recipient,
suspended by an admin; a folder link's mini-browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

SHARE_TILE = re.compile(r"/s/[\w-]+/tiles/[^/]+/\d+/\d+_\d+\.jpg")
SLIDE = "demo/breast/CASE-001/CASE-001-A2.svs"
TIMEOUT_MS = 30_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def recipient(browser: Browser) -> Iterator[Page]:
    """Someone without an account, in a browser context of their own."""
    # As in conftest.py: Playwright's wait_for_function needs the policy bypassed.
    context = browser.new_context(viewport={"width": 1200, "height": 800}, bypass_csp=True)
    page = context.new_page()
    console: list[str] = []
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield page
    assert console == []
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def open_panel(live_studio: LiveStudio, page: Page) -> None:
    live_studio.login(page, "/sharing/panel/")
    page.goto(f"{live_studio.url}/sharing/panel/?slide={SLIDE}")
    page.wait_for_function("window.shareDialogReady === true")


def test_a_password_link_is_opened_then_suspended_by_an_admin(
    live_studio: LiveStudio, browser_page: Page, recipient: Page
) -> None:
    owner = browser_page
    open_panel(live_studio, owner)

    owner.get_by_role("button", name="New link…").click()
    dialog = owner.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password").fill("tumour-board")
    dialog.get_by_label("Expires").select_option("1d")
    dialog.get_by_label("Label").fill("for Dr. Rossi")
    screenshot(owner, "share-dialog.png")
    dialog.get_by_role("button", name="Create link").click()
    url_field = dialog.get_by_label("Share link")
    expect(url_field).to_have_value(re.compile(r"/s/[\w-]{43}/$"))
    url = url_field.input_value()
    assert SLIDE not in url
    owner.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(owner.locator("#shared-links-list tbody tr", has_text="for Dr. Rossi")).to_have_count(1)
    screenshot(owner, "shared-links-panel.png")

    tiles: list[int] = []

    def on_response(response: Response) -> None:
        if SHARE_TILE.search(response.url):
            tiles.append(response.status)

    recipient.on("response", on_response)
    recipient.goto(url)
    expect(recipient.get_by_role("heading", name="This link is protected")).to_be_visible()
    # The page looks like the studio's own (a card, a styled button) and tells the rules.
    card = recipient.locator(".share-password")
    assert card.evaluate("e => getComputedStyle(e).maxWidth") == "400px"
    open_button = recipient.get_by_role("button", name="Open")
    assert open_button.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(card).to_contain_text("After 5 wrong passwords")
    recipient.get_by_label("Password").fill("wrong")
    open_button.click()
    expect(recipient.get_by_role("alert")).to_have_text(
        "Wrong password. 4 tries left before a 15-minute wait."
    )
    assert tiles == []
    recipient.get_by_label("Password").fill("tumour-board")
    recipient.get_by_role("button", name="Open").click()
    recipient.wait_for_function("window.shareReady === true", timeout=TIMEOUT_MS)
    assert tiles and set(tiles) == {200}
    assert recipient.evaluate("window.studioErrors") == []
    # Students see the magnification and a scale bar, as in the studio.
    magnification = recipient.locator("[data-role='magnification']").inner_text()
    assert re.fullmatch(r"\d+(\.\d+)?\N{MULTIPLICATION SIGN}", magnification), magnification
    scale = recipient.locator("[data-role='scalebar-label']").inner_text()
    assert re.fullmatch(r"\d+(\.\d+)? (µm|mm)", scale), scale
    screenshot(recipient, "share-page.png")
    tile_url = recipient.evaluate(
        """async () => (await import("/static/studio/js/viewer.js"))
            .liveViewers()[0].world.getItemAt(0).source.getTileUrl(0, 0, 0)"""
    )

    # The admin finds the link by its owner's name and lets it expire while it is open.
    owner.goto(f"{live_studio.url}/admin/sharing/share/?q={live_studio.username}")
    owner.get_by_role("link", name=re.compile("^Slide .*CASE-001-A2")).click()
    owner.locator("input[name='expires_at_0']").fill("2001-01-01")
    owner.locator("input[name='expires_at_1']").fill("00:00:00")
    owner.get_by_role("button", name="Save and continue editing").click()
    expect(owner.locator(".messagelist")).to_contain_text("was changed successfully")

    # The open page finds out when it needs a tile it does not have, or, as here (the small
    # demo slide is all in the browser's cache), when the reader comes back to its tab.
    recipient.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(recipient.get_by_role("heading", name="This link has expired")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    assert recipient.locator(".share-grid canvas").count() == 0, "no cached tiles left on show"

    # Given back its life (no expiry), then suspended from the list.
    owner.locator("input[name='expires_at_0']").fill("")
    owner.locator("input[name='expires_at_1']").fill("")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(owner.locator(".messagelist")).to_contain_text("was changed successfully")
    owner.goto(f"{live_studio.url}/admin/sharing/share/")
    owner.get_by_role("row", name=re.compile("Slide .*CASE-001-A2")).get_by_role("checkbox").check()
    owner.get_by_label("Action:").select_option("suspend")
    owner.get_by_role("button", name="Go").click()
    expect(owner.get_by_text("Suspended 1 link(s).")).to_be_visible()

    assert recipient.request.get(live_studio.url + tile_url).status == 410
    page = recipient.goto(url)
    assert page is not None and page.status == 410
    expect(recipient.get_by_role("heading", name="This link is not available")).to_be_visible()


def test_a_folder_link_shows_the_mini_browser_and_opens_a_slide(
    live_studio: LiveStudio, browser_page: Page, recipient: Page
) -> None:
    owner = browser_page
    open_panel(live_studio, owner)
    owner.evaluate(
        """() => document.body.dispatchEvent(new CustomEvent("studio:action", {
            detail: {action: "share.folder", params: {folder: "demo/breast"}}}))"""
    )
    toast = owner.locator("#share-toast")
    expect(toast.get_by_label("Share link")).to_have_value(re.compile(r"/s/[\w-]{43}/$"))
    url = toast.get_by_label("Share link").input_value()

    recipient.goto(url)
    expect(recipient.get_by_role("heading", name="breast")).to_be_visible()
    recipient.locator("a.folder", has_text="CASE-001").click()
    card = recipient.locator("a.slide-card", has_text="CASE-001-A2.svs")
    expect(card.locator("img")).to_have_js_property("complete", True)
    assert card.locator("img").evaluate("img => img.naturalWidth") > 0
    screenshot(recipient, "share-folder.png")
    card.click()
    recipient.wait_for_url(re.compile(r"/view/\?slide="))
    recipient.wait_for_function("window.shareReady === true", timeout=TIMEOUT_MS)
    assert recipient.evaluate("window.studioErrors") == []
    expect(recipient.get_by_role("link", name="Shared folder")).to_be_visible()


def test_sharing_from_the_cockpit_takes_the_folder_being_browsed(
    live_studio: LiveStudio, browser_page: Page
) -> None:
    page = browser_page
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    live_studio.login(page)
    page.goto(f"{live_studio.url}/?slide=demo/skin/CASE-003/CASE-003-C1.svs")
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    browser = page.locator(".panel-browser")
    current = browser.locator(".panel-breadcrumbs [aria-current]")
    expect(current).to_have_text("CASE-003")

    # Browse elsewhere (the selected slide stays in skin), then Share folder.
    browser.locator(".panel-breadcrumbs a", has_text="demo").click()
    expect(current).to_have_text("demo")
    browser.locator("a.folder", has_text="breast").click()
    expect(current).to_have_text("breast")
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("button", name="Share folder").click()
    toast = page.locator("#share-toast")
    expect(toast).to_contain_text("Link to folder demo/breast:")
    expect(toast.get_by_label("Share link")).to_have_value(re.compile(r"/s/[\w-]{43}/$"))
    toast.get_by_role("button", name="Close").click()

    # Share… with "At…" but no date: an error, not a link that never expires.
    ribbon.get_by_role("button", name="Share…").click()
    dialog = page.get_by_role("dialog", name="Share")
    dialog.get_by_label("Expires", exact=True).select_option("at")
    dialog.get_by_role("button", name="Create link").click()
    expect(dialog.locator("[data-role='errors']")).to_have_text(
        "Choose the date and time the link expires."
    )
    expect(dialog.get_by_label("Share link")).to_be_hidden()
    page.keyboard.press("Escape")

    # The shared-links panel's actions send its filters along (no htmx complaint).
    page.locator(".dock .dv-tab", has_text="Shared links").first.click()
    row = page.locator("#shared-links-list tbody tr").first
    row.get_by_role("button", name="Suspend").click()
    expect(page.locator("#shared-links-list tbody tr").first).to_have_attribute(
        "data-state", "suspended"
    )
    assert not [text for text in console if "hx-include" in text], console
    assert not [text for text in console if "favicon" in text or "404" in text], console
