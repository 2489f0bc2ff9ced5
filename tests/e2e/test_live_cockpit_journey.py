"""A live session between two cockpits: the owner starts it from the ribbon and drives with
their own viewer panel; a colleague who opens the join link follows in their cockpit (grid,
slides, centre, zoom, rotation) and both see the session panel (participants, driver, chat)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.e2e.conftest import COLLEAGUE, LiveStudio
from tests.e2e.test_viewer_journey import pick_slide

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

TIMEOUT_MS = 30_000
FOLLOW_MS = 1_000 + 1_500  # a second to follow, plus the driver's own animation
# The first viewer panel's state and its selected viewport's view.
VIEW = """() => {
    const panel = window.cockpit.viewers.values().next().value;
    if (!panel) return null;
    const state = panel.getState();
    const viewer = panel.viewerAt(state.selectedCell);
    if (!viewer || !viewer.world.getItemCount()) return null;
    const v = viewer.viewport;
    const c = v.getCenter(true);
    return {rows: state.rows, columns: state.columns, cells: state.cells,
            selected: state.selectedCell, x: c.x, y: c.y, zoom: v.getZoom(true),
            rotation: v.getRotation(true)};
}"""
SAME_VIEW = (
    "(want) => {"
    f"  const got = ({VIEW})();"
    "  if (!got) return false;"
    "  const close = (a, b) => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));"
    "  return got.rows === want.rows && got.columns === want.columns"
    "    && JSON.stringify(got.cells) === JSON.stringify(want.cells)"
    "    && got.selected === want.selected && close(got.x, want.x) && close(got.y, want.y)"
    "    && close(got.zoom, want.zoom) && close(got.rotation % 360, want.rotation % 360);"
    "}"
)


def follows(driver: Page, follower: Page, timeout: int = FOLLOW_MS) -> None:
    """Wait until the follower's viewer panel shows what the driver's shows (a move: within
    a second; a slide still to be opened, as on joining: up to TIMEOUT_MS)."""
    driver.wait_for_function(f"({VIEW})() !== null", timeout=TIMEOUT_MS)
    want = driver.evaluate(VIEW)
    follower.wait_for_function(SAME_VIEW, arg=want, timeout=timeout)


def settle(page: Page) -> None:
    page.wait_for_timeout(700)  # the driver's own half-second animation


def drive(page: Page, script: str) -> None:
    page.evaluate(
        "(script) => { const panel = window.cockpit.viewers.values().next().value;"
        " const v = panel.viewerAt(panel.getState().selectedCell).viewport;"
        " new Function('v', 'OpenSeadragon', script)(v, window.OpenSeadragon); }",
        script,
    )
    settle(page)


def open_cockpit(page: Page, live_studio: LiveStudio, query: str) -> None:
    """The cockpit with one viewport (an earlier journey's grid is kept with the user)."""
    page.goto(f"{live_studio.url}/{query}")
    page.wait_for_function("window.cockpit?.viewers.size > 0", timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="Grid").click()
    page.locator("#ribbon-item-grid-1x1").click()
    page.get_by_role("tab", name="Home").click()
    page.locator(".viewer-cell[data-ready='true']").wait_for(timeout=TIMEOUT_MS)


def start_session(owner: Page, name: str) -> None:
    owner.get_by_role("button", name="Start live session").click()
    dialog = owner.locator("#live-dialog")
    dialog.get_by_label("Session name").fill(name)
    dialog.get_by_label("Your nickname").fill("Dr Owner")
    dialog.get_by_role("button", name="Start").click()
    expect(dialog.get_by_label("Join link")).to_have_value(re.compile(f"/live/{name}/$"))
    dialog.get_by_role("button", name="Close").click()


def highlight(page: Page) -> None:
    """Draw a highlight over the first viewport with the ribbon's Highlight button."""
    page.locator("#ribbon-item-live-highlight").click()
    box = page.locator(".viewer-cell[data-cell='0']").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    expect(page.locator(".viewer-cell .live-highlight")).to_have_count(1)


def session_panel(page: Page) -> Locator:
    return page.locator(".live-panel-docked")


@pytest.fixture
def colleague(browser: Browser, live_studio: LiveStudio) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    live_studio.login(page, "/", username=COLLEAGUE)
    yield page
    context.close()


def test_a_colleague_s_cockpit_follows_the_owner_s_cockpit(
    live_studio: LiveStudio, browser_page: Page, colleague: Page
) -> None:
    owner = browser_page
    slide = pick_slide(live_studio.slides_dir)
    live_studio.login(owner, "/")
    open_cockpit(owner, live_studio, f"?slide={quote(slide)}")
    start_session(owner, "cockpit-board")
    panel = session_panel(owner)
    expect(panel.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)
    expect(panel.get_by_role("group", name="Session controls")).to_be_visible()

    # The join link takes a logged-in colleague into their own cockpit, which follows.
    colleague.goto(f"{live_studio.url}/live/cockpit-board/")
    colleague.wait_for_url(f"{live_studio.url}/?live=cockpit-board")
    colleague.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    theirs = session_panel(colleague)
    expect(theirs.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)
    expect(theirs.locator(".driver")).to_contain_text("Dr Owner (owner)")
    expect(theirs.get_by_role("group", name="Session controls")).to_be_hidden()
    follows(owner, colleague, timeout=TIMEOUT_MS)
    expect(panel.locator('[data-role="participants"]')).to_contain_text(COLLEAGUE)

    # The owner zooms, pans and rotates; the colleague follows.
    drive(owner, "v.zoomBy(4); v.panBy(new OpenSeadragon.Point(0.05, 0.02));")
    follows(owner, colleague)
    owner.get_by_role("button", name="Rotate right").click()
    settle(owner)
    follows(owner, colleague)

    # A grid of two with the slide in the second viewport: the grid follows too.
    owner.get_by_role("tab", name="Grid").click()
    owner.locator("#ribbon-item-grid-1x2").click()
    owner.locator(".viewer-cell[data-cell='1']").click()
    owner.evaluate(
        "(slide) => document.body.dispatchEvent("
        "new CustomEvent('studio:slide', {detail: {slide, cell: 1}}))",
        slide,
    )
    owner.locator(".viewer-cell[data-cell='1'][data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    drive(owner, "v.zoomBy(2);")
    follows(owner, colleague, timeout=TIMEOUT_MS)
    assert colleague.evaluate(VIEW)["cells"] == [slide, slide]

    # The colleague's pointer shows on the owner's viewer, with their name.
    box = colleague.locator(".viewer-cell[data-cell='1']").bounding_box()
    assert box
    for step in range(5):
        colleague.mouse.move(box["x"] + box["width"] / 2 + step * 10, box["y"] + box["height"] / 2)
        colleague.wait_for_timeout(60)
    pointer = owner.locator(".viewer-cell[data-cell='1'] .live-pointer", has_text=COLLEAGUE)
    expect(pointer).to_be_visible()
    expect(pointer).not_to_have_class(re.compile("faded"))

    # The colleague moving their own viewer does not move the owner's.
    before = owner.evaluate(VIEW)
    drive(colleague, "v.zoomBy(0.5);")
    owner.wait_for_timeout(500)
    assert owner.evaluate(VIEW)["zoom"] == pytest.approx(before["zoom"])

    # Chat, both ways, as text.
    theirs.get_by_placeholder("Message").fill("<i>atypia</i> here?")
    theirs.get_by_role("button", name="Send").click()
    expect(panel.locator('[data-role="chat"] li').last).to_contain_text(
        f"{COLLEAGUE}: <i>atypia</i> here?"
    )

    # The owner hands control over: now the colleague drives the owner's viewer.
    panel.locator(f'[data-role="participants"] li:has-text("{COLLEAGUE}")').get_by_role(
        "button", name="Hand control"
    ).click()
    expect(theirs.locator(".driver")).to_contain_text(COLLEAGUE)
    drive(colleague, "v.panBy(new OpenSeadragon.Point(-0.03, 0.01));")
    follows(colleague, owner)


STORED_ANNOTATIONS = (
    "(slide) => fetch('/annotations/?' + new URLSearchParams({slide})).then((r) => r.text())"
)


def test_the_driver_s_highlights_show_for_everyone_and_vanish_with_the_session(
    live_studio: LiveStudio, browser_page: Page, colleague: Page
) -> None:
    owner = browser_page
    slide = pick_slide(live_studio.slides_dir)
    live_studio.login(owner, "/")
    open_cockpit(owner, live_studio, f"?slide={quote(slide)}")
    stored = owner.evaluate(STORED_ANNOTATIONS, slide)
    start_session(owner, "highlight-board")
    panel = session_panel(owner)
    expect(panel.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)
    colleague.goto(f"{live_studio.url}/live/highlight-board/")
    colleague.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    follows(owner, colleague, timeout=TIMEOUT_MS)

    # A follower is not in control: no drawing for them.
    colleague.locator("#ribbon-item-live-highlight").click()
    expect(colleague.locator("#cockpit-toast")).to_have_text(
        "Only whoever drives draws highlights."
    )
    expect(colleague.locator(".live-highlight-drawing")).to_have_count(0)

    # The owner drags a rectangle over their viewer: everyone sees it on the tissue.
    highlight(owner)
    theirs = colleague.locator(".viewer-cell .live-highlight")
    expect(theirs).to_have_count(1)
    expect(theirs).to_be_visible()
    mine = owner.locator(".viewer-cell .live-highlight").bounding_box()
    seen = theirs.bounding_box()
    my_cell = owner.locator(".viewer-cell").first.bounding_box()
    their_cell = colleague.locator(".viewer-cell").first.bounding_box()
    assert mine and seen and my_cell and their_cell
    # The same part of the slide: each cockpit arranges its panels its own way, and a view
    # scales with its viewer's width.
    assert seen["width"] / their_cell["width"] == pytest.approx(
        mine["width"] / my_cell["width"], abs=0.01
    )
    assert seen["height"] / their_cell["width"] == pytest.approx(
        mine["height"] / my_cell["width"], abs=0.01
    )

    # A freehand line, drawn with the mouse: everyone sees the same line, over the same part.
    panel.get_by_role("button", name="Freehand highlight").click()
    box = owner.locator(".viewer-cell[data-cell='0']").bounding_box()
    assert box
    owner.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.6)
    owner.mouse.down()
    for step in range(1, 21):
        owner.mouse.move(
            box["x"] + box["width"] * (0.2 + step * 0.02),
            box["y"] + box["height"] * (0.6 - 0.2 * (step % 2)),
        )
    owner.mouse.up()
    line = colleague.locator(".viewer-cell .live-highlight-freehand polyline")
    expect(line).to_have_count(1)
    assert (
        len(line.get_attribute("points").split())
        == len(
            owner.locator(".viewer-cell .live-highlight-freehand polyline")
            .get_attribute("points")
            .split()
        )
        >= 10
    )
    mine = owner.locator(".viewer-cell .live-highlight-freehand").bounding_box()
    seen = colleague.locator(".viewer-cell .live-highlight-freehand").bounding_box()
    assert mine and seen
    assert seen["width"] / their_cell["width"] == pytest.approx(
        mine["width"] / my_cell["width"], abs=0.01
    )
    # From the keyboard, in the session panel: Enter circles the middle of the view.
    panel.get_by_role("button", name="Freehand highlight").click()
    owner.keyboard.press("Enter")
    expect(colleague.locator(".viewer-cell .live-highlight-freehand")).to_have_count(2)
    expect(theirs).to_have_count(3)

    # Highlights are not annotations: the slide's stored annotations are as they were.
    assert owner.evaluate(STORED_ANNOTATIONS, slide) == stored

    # The session ends: the highlights go with it.
    owner.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="End session").click()
    expect(session_panel(colleague).locator('[data-role="status"]')).to_have_text(
        "The session has ended."
    )
    expect(theirs).to_have_count(0)
    expect(owner.locator(".viewer-cell .live-highlight")).to_have_count(0)


SESSION = "async () => (await import('/static/panels/js/live-cockpit.js')).currentSession()"


def test_a_follower_whose_connection_drops_reconnects_and_follows_again(
    live_studio: LiveStudio, browser_page: Page, colleague: Page
) -> None:
    owner = browser_page
    slide = pick_slide(live_studio.slides_dir)
    live_studio.login(owner, "/")
    open_cockpit(owner, live_studio, f"?slide={quote(slide)}")
    start_session(owner, "reconnect-board")
    panel = session_panel(owner)
    expect(panel.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)

    # The colleague's sockets pass through to the studio, unless the network is "down".
    network = {"down": False}

    def route(socket: WebSocketRoute) -> None:
        if network["down"]:
            socket.close()
        else:
            socket.connect_to_server()

    colleague.route_web_socket(re.compile(r"/ws/collaboration/"), route)
    colleague.goto(f"{live_studio.url}/live/reconnect-board/")
    colleague.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    theirs = session_panel(colleague)
    status = theirs.locator('[data-role="status"]')
    expect(status).to_have_text("Live", timeout=TIMEOUT_MS)
    follows(owner, colleague, timeout=TIMEOUT_MS)

    # The connection drops and stays down a while: the page says so.
    network["down"] = True
    colleague.evaluate(f"async () => (await ({SESSION})()).socket.close()")
    expect(status).to_have_attribute("data-status", "reconnecting")
    expect(status).to_contain_text("Connection lost")
    expect(panel.locator('[data-role="participants"]')).not_to_contain_text(COLLEAGUE)

    # Meanwhile the owner moves, highlights and chats.
    drive(owner, "v.zoomBy(3); v.panBy(new OpenSeadragon.Point(0.04, -0.03));")
    highlight(owner)
    panel.get_by_placeholder("Message").fill("back in a moment")
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator('[data-role="chat"] li').last).to_contain_text("back in a moment")
    expect(status).to_have_attribute("data-status", "reconnecting")

    # The network is back: it reconnects on its own, gets the full state (the view, the
    # highlight and the chat it missed) and follows again.
    network["down"] = False
    expect(status).to_have_text("Live", timeout=TIMEOUT_MS)
    follows(owner, colleague, timeout=TIMEOUT_MS)
    expect(colleague.locator(".viewer-cell .live-highlight")).to_have_count(1)
    expect(theirs.locator('[data-role="chat"] li').last).to_contain_text(
        "Dr Owner: back in a moment"
    )
    expect(panel.locator('[data-role="participants"]')).to_contain_text(COLLEAGUE)
    drive(owner, "v.zoomBy(0.5);")
    follows(owner, colleague)


GRID = """() => {
    const state = window.cockpit.viewers.values().next().value.getState();
    return {rows: state.rows, columns: state.columns, cells: state.cells};
}"""


def test_a_follower_s_own_arrangement_is_kept_while_following_and_back_afterwards(
    live_studio: LiveStudio, browser_page: Page, colleague: Page
) -> None:
    owner = browser_page
    slide = pick_slide(live_studio.slides_dir)
    # The colleague's own arrangement: one viewport with the slide, saved with them.
    open_cockpit(colleague, live_studio, f"?slide={quote(slide)}")
    colleague.wait_for_timeout(1_000)  # the arrangement is saved half a second after a change
    own = {"rows": 1, "columns": 1, "cells": [slide]}
    assert colleague.evaluate(GRID) == own

    # The owner drives with a grid of two.
    live_studio.login(owner, "/")
    open_cockpit(owner, live_studio, f"?slide={quote(slide)}")
    start_session(owner, "own-grid-board")
    owner.get_by_role("tab", name="Grid").click()
    owner.locator("#ribbon-item-grid-1x2").click()
    owner.evaluate(
        "(slide) => document.body.dispatchEvent("
        "new CustomEvent('studio:slide', {detail: {slide, cell: 1}}))",
        slide,
    )
    owner.locator(".viewer-cell[data-cell='1'][data-ready='true']").wait_for(timeout=TIMEOUT_MS)

    # The colleague follows: their cockpit shows the owner's grid ...
    colleague.goto(f"{live_studio.url}/live/own-grid-board/")
    colleague.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    follows(owner, colleague, timeout=TIMEOUT_MS)
    assert colleague.evaluate(GRID) == {"rows": 1, "columns": 2, "cells": [slide, slide]}
    colleague.wait_for_timeout(1_500)

    # ... but does not keep it as their own: a cockpit opened beside it has theirs.
    beside = colleague.context.new_page()
    beside.goto(f"{live_studio.url}/")
    beside.wait_for_function("window.cockpit?.viewers.size > 0", timeout=TIMEOUT_MS)
    assert beside.evaluate(GRID) == own
    beside.close()

    # Leaving the session brings their own back, and it stays theirs.
    session_panel(colleague).get_by_role("button", name="Leave session").click()
    colleague.wait_for_function(
        f"(own) => JSON.stringify(({GRID})()) === JSON.stringify(own)", arg=own
    )
    colleague.wait_for_timeout(1_000)
    colleague.goto(f"{live_studio.url}/")
    colleague.wait_for_function("window.cockpit?.viewers.size > 0", timeout=TIMEOUT_MS)
    assert colleague.evaluate(GRID) == own


def test_a_colleague_joins_a_session_by_its_name_from_the_session_panel(
    live_studio: LiveStudio, browser_page: Page, colleague: Page
) -> None:
    owner = browser_page
    slide = pick_slide(live_studio.slides_dir)
    live_studio.login(owner, "/")
    open_cockpit(owner, live_studio, f"?slide={quote(slide)}")
    owner.get_by_role("button", name="Start live session").click()
    dialog = owner.locator("#live-dialog")
    dialog.get_by_label("Session name").fill("named-board")
    dialog.get_by_label("Password").fill("open-sesame")
    dialog.get_by_label("Your nickname").fill("Dr Owner")
    dialog.get_by_role("button", name="Start").click()
    dialog.get_by_role("button", name="Close").click()
    expect(session_panel(owner).locator('[data-role="status"]')).to_have_text(
        "Live", timeout=TIMEOUT_MS
    )

    # The colleague's cockpit is in no session: its Live session panel offers to join one.
    colleague.goto(f"{live_studio.url}/")
    colleague.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    colleague.evaluate("window.cockpit.manager.panelsOfType('live')[0].api.setActive()")
    form = session_panel(colleague).get_by_role("form", name="Join a session by name")
    name = form.get_by_label("Session name")
    alert = form.get_by_role("alert")

    # All from the keyboard: a name nobody uses, then the right one, which asks a password.
    name.fill("named-bored")
    name.press("Enter")
    expect(alert).to_have_text("No live session called “named-bored” is running.")
    name.fill("named-board")
    name.press("Enter")
    expect(alert).to_have_text("This session has a password.")
    password = form.get_by_label("Session password")
    expect(password).to_be_focused()
    colleague.keyboard.type("open-says-me")
    colleague.keyboard.press("Enter")
    expect(alert).to_have_text("Wrong password.")
    expect(password).to_be_focused()
    colleague.keyboard.type("open-sesame")
    colleague.keyboard.press("Enter")

    # In: the panel is the session's, and the cockpit follows the owner.
    theirs = session_panel(colleague)
    expect(theirs.get_by_role("heading", name="Live: named-board")).to_be_visible()
    expect(theirs.locator('[data-role="status"]')).to_have_text("Live", timeout=TIMEOUT_MS)
    follows(owner, colleague, timeout=TIMEOUT_MS)
    expect(session_panel(owner).locator('[data-role="participants"]')).to_contain_text(COLLEAGUE)
