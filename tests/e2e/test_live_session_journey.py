"""A live session in two browsers: the owner leads, a guest follows, pointers and chat."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveStudio
from tests.e2e.test_viewer_journey import pick_slide

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
VIEWPORT = """async () => {
    const {liveViewers} = await import("/static/studio/js/viewer.js");
    const viewport = liveViewers()[0].viewport;
    const center = viewport.getCenter(true);
    return [center.x, center.y, viewport.getZoom(true)];
}"""


def follower_matches(owner: Page, guest: Page) -> None:
    """Wait until the guest's viewer shows what the owner's shows (within a second)."""
    x, y, zoom = owner.evaluate(VIEWPORT)
    guest.wait_for_function(
        """async ([x, y, zoom]) => {
            const {liveViewers} = await import("/static/studio/js/viewer.js");
            const viewer = liveViewers()[0];
            if (!viewer) return false;
            const center = viewer.viewport.getCenter(true);
            const zoomNow = viewer.viewport.getZoom(true);
            const close = (a, b) => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));
            return close(center.x, x) && close(center.y, y) && close(zoomNow, zoom);
        }""",
        arg=[x, y, zoom],
        timeout=1_000 + 1_500,  # a second to follow, plus the half-second animation
    )


def test_a_guest_follows_the_owner_sees_pointers_and_chats(
    live_studio: LiveStudio, browser_page: Page, browser: Browser
) -> None:
    owner = browser_page
    live_studio.login(owner, "/")
    owner.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    # Started from the cockpit's Live ribbon group.
    owner.get_by_role("button", name="Start live session").click()
    dialog = owner.locator("#live-dialog")
    dialog.get_by_label("Session name").fill("tumour-board")
    dialog.get_by_label("Password").fill("board-42")
    dialog.get_by_label("Your nickname").fill("Dr Owner")
    dialog.get_by_role("button", name="Start").click()
    join_url = dialog.get_by_label("Join link")
    expect(join_url).to_have_value(f"{live_studio.url}/live/tumour-board/")
    owner.wait_for_function(
        "document.querySelector('#live-dialog [data-role=qr]').naturalWidth > 0"
    )
    links = {"join_url": join_url.input_value()}
    slide = pick_slide(live_studio.slides_dir)
    owner.goto(f"{live_studio.url}/live/tumour-board/watch/?slide={slide}")
    expect(owner.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)
    owner.wait_for_function("window.studioReady === true", timeout=TIMEOUT_MS)

    context = browser.new_context(viewport={"width": 1200, "height": 800}, bypass_csp=True)
    guest = context.new_page()
    try:
        guest.goto(links["join_url"])
        guest.get_by_label("Nickname").fill("Resident")
        guest.get_by_label("Password").fill("wrong")
        guest.get_by_role("button", name="Join").click()
        expect(guest.get_by_role("alert")).to_have_text("Wrong password.")

        guest.get_by_label("Nickname").fill("Resident")
        guest.get_by_label("Password").fill("board-42")
        guest.get_by_role("button", name="Join").click()
        guest.wait_for_url(re.compile(r"/live/tumour-board/watch/$"))
        guest.wait_for_function("window.studioReady === true", timeout=TIMEOUT_MS)
        follower_matches(owner, guest)
        expect(owner.locator('[data-role="participants"]')).to_contain_text("Resident (guest)")

        # The owner pans and zooms; the guest follows.
        owner.evaluate(
            """async () => {
            const {liveViewers} = await import("/static/studio/js/viewer.js");
            const viewport = liveViewers()[0].viewport;
            viewport.zoomBy(4);
            viewport.panBy(new OpenSeadragon.Point(0.05, 0.02));
        }"""
        )
        owner.wait_for_timeout(700)  # the owner's own animation settles
        follower_matches(owner, guest)

        # The guest's pointer shows on the owner's screen, with the nickname.
        box = guest.locator("#viewer").bounding_box()
        assert box
        for step in range(5):
            guest.mouse.move(box["x"] + box["width"] / 2 + step * 10, box["y"] + box["height"] / 2)
            guest.wait_for_timeout(60)
        pointer = owner.locator(".live-pointer", has_text="Resident")
        expect(pointer).to_be_visible()
        expect(pointer).not_to_have_class(re.compile("faded"))

        # Chat arrives, as text.
        guest.get_by_placeholder("Message").fill("<b>mitosis</b>?")
        guest.get_by_role("button", name="Send").click()
        expect(owner.locator('[data-role="chat"] li').last).to_contain_text(
            "Resident: <b>mitosis</b>?"
        )

        # The owner highlights a region; the guest sees it until it is cleared.
        expect(guest.get_by_role("button", name="Highlight", exact=True)).to_be_hidden()
        owner.get_by_role("button", name="Highlight", exact=True).click()
        box = owner.locator("#viewer").bounding_box()
        assert box
        owner.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4)
        owner.mouse.down()
        owner.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=5)
        owner.mouse.up()
        expect(guest.locator("#viewer .live-highlight")).to_have_count(1)
        owner.get_by_role("button", name="Clear highlights").click()
        expect(guest.locator("#viewer .live-highlight")).to_have_count(0)
        expect(owner.locator("#viewer .live-highlight")).to_have_count(0)

        # From the keyboard: Highlight, then Enter marks the middle of the view.
        owner.get_by_role("button", name="Highlight", exact=True).focus()
        owner.keyboard.press("Enter")
        owner.keyboard.press("Enter")
        expect(guest.locator("#viewer .live-highlight")).to_have_count(1)
    finally:
        context.close()
