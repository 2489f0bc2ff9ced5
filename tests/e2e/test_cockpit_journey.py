"""A pathologist arranges the cockpit's panels, and finds them as they left them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from panels.layouts.loader import load_layouts
from panels.registry import RIBBON_ACTIONS
from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
ARRANGEMENT = "/panels/arrangement/default/"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def open_cockpit(page: Page, live_studio: LiveStudio, query: str = "") -> None:
    page.goto(f"{live_studio.url}/{query}")
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)


def tab_titles(page: Page) -> list[str]:
    return page.locator(".dock .dv-tab").all_inner_texts()


def group_of(page: Page, panel_id: str) -> list[str]:
    """The ids of the panels sharing a group (a tab stack) with `panel_id`."""
    return page.evaluate(
        "id => window.cockpit.api.getPanel(id).group.panels.map(p => p.id)", panel_id
    )


def tab_in_sight(page: Page, title: str) -> bool:
    """Whether the panel's tab shows whole in its tab bar (not in the overflow menu)."""
    return page.evaluate(
        """title => {
        const tab = [...document.querySelectorAll(".dock .dv-tab")]
            .find(t => t.textContent.trim() === title);
        const bar = tab?.closest(".dv-tabs-container");
        if (!tab || !bar) return false;
        const a = tab.getBoundingClientRect(), b = bar.getBoundingClientRect();
        return a.width > 0 && a.left >= b.left - 1 && a.right <= b.right + 1;
    }""",
        title,
    )


def default_leaves() -> list[tuple[str, str]]:
    layout = load_layouts().get("default")
    return [(leaf.id, leaf.title) for leaf in layout.panels_list()]


@pytest.fixture
def page(browser_page: Page, live_studio: LiveStudio) -> Page:
    live_studio.login(browser_page)
    browser_page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    # Every journey starts from the layout file's arrangement.
    with browser_page.expect_response(lambda r: ARRANGEMENT in r.url):
        browser_page.evaluate("window.cockpit.manager.reset()")
    # The viewer panel is in place (its module loads after the cockpit is ready).
    browser_page.wait_for_function(
        "window.cockpit.viewers.get('viewer') !== undefined", timeout=TIMEOUT_MS
    )
    return browser_page


def test_the_default_layout_shows_its_ribbon_and_panels(
    page: Page, live_studio: LiveStudio, tmp_path: Path
) -> None:
    ribbon = page.get_by_role("navigation", name="Ribbon")
    tabs = ribbon.get_by_role("tab")
    assert tabs.all_inner_texts() == ["Home", "Grid", "Annotations", "Configure"]
    assert ribbon.get_by_role("tabpanel").count() == 1
    assert ribbon.get_by_role("button", name="Reset").is_visible()

    titles = tab_titles(page)
    for _, title in default_leaves():
        assert title in titles
    # The stack of the default layout: info is the visible tab, the others are stacked.
    assert group_of(page, "info")[:2] == ["info", "thumbnail"]

    # Every action a layout may name has a handler in the page.
    names = page.evaluate(
        'async () => (await import("/static/panels/js/actions.js")).actionNames()'
    )
    assert sorted(names) == sorted(RIBBON_ACTIONS)
    page.screenshot(path=str(tmp_path / "cockpit.png"))


def test_the_ribbon_works_from_the_keyboard(page: Page) -> None:
    page.locator("body").focus()
    ribbon = page.get_by_role("navigation", name="Ribbon")
    home = ribbon.get_by_role("tab", name="Home")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "tab":
            break
    assert home.evaluate("e => e === document.activeElement")

    page.keyboard.press("ArrowRight")
    grid = ribbon.get_by_role("tab", name="Grid")
    assert grid.evaluate("e => e === document.activeElement")
    assert grid.get_attribute("aria-selected") == "true"
    assert ribbon.get_by_role("button", name="2 \N{MULTIPLICATION SIGN} 2").is_visible()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert ribbon.get_by_role("tab", name="Configure").get_attribute("aria-selected") == "true"

    # Configure → Panels: hide the macro panel, then bring it back.
    macro = ribbon.get_by_role("button", name="Macro")
    assert macro.get_attribute("aria-pressed") == "true"
    macro.click()
    assert macro.get_attribute("aria-pressed") == "false"
    assert "Macro" not in tab_titles(page)
    macro.click()
    assert macro.get_attribute("aria-pressed") == "true"
    assert "Macro" in tab_titles(page)


def test_a_dragged_panel_stays_where_it_was_put(
    page: Page, live_studio: LiveStudio, browser_page: Page
) -> None:
    assert "label" in group_of(page, "info")
    label_tab = page.locator(".dock .dv-tab", has_text="Label").first
    browser_group = page.locator(".dock .dv-groupview").first
    target = browser_group.bounding_box()
    assert target is not None

    # The answer, not just the request: the next page load must find it saved.
    with page.expect_response(
        lambda r: ARRANGEMENT in r.url and r.request.method == "POST"
    ) as saved:
        label_tab.hover()
        page.mouse.down()
        # Onto the lower half of the browser's group: a new group below the browser.
        x = target["x"] + target["width"] / 2
        page.mouse.move(x, target["y"] + target["height"] * 0.8, steps=12)
        page.mouse.move(x, target["y"] + target["height"] * 0.85, steps=4)
        page.mouse.up()
    state = json.loads(saved.value.request.post_data or "{}")
    assert "label" in state["panels"]
    assert "label" not in group_of(page, "info")
    moved = group_of(page, "label")

    open_cockpit(page, live_studio)
    assert page.evaluate("window.cockpit.source") == "saved"
    assert group_of(page, "label") == moved
    assert "label" not in group_of(page, "info")

    # Log out and in again: still there.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_studio.url}/login/")
    live_studio.login(page)
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    assert group_of(page, "label") == moved

    # Reset puts the label back into the stack of the layout file.
    with page.expect_request(lambda r: ARRANGEMENT in r.url and r.method == "DELETE"):
        page.get_by_role("navigation", name="Ribbon").get_by_role("button", name="Reset").click()
    page.wait_for_function("window.cockpit.api.getPanel('label').group.panels.length > 1")
    assert "label" in group_of(page, "info")
    open_cockpit(page, live_studio)
    assert page.evaluate("window.cockpit.source") == "default"


def test_shortcuts_press_ribbon_buttons_unless_typing(page: Page) -> None:
    sync = page.locator("#ribbon-item-grid-sync")
    before = sync.get_attribute("aria-pressed")
    page.locator("body").press("s")
    assert sync.get_attribute("aria-pressed") != before
    page.get_by_role("navigation", name="Ribbon").get_by_role("button", name="More…").click()
    page.get_by_label("Title").press("s")
    assert page.get_by_label("Title").input_value() == "s"
    page.keyboard.press("Escape")
    assert sync.get_attribute("aria-pressed") != before


def test_selecting_a_slide_refreshes_the_slide_aware_panels(
    page: Page, live_studio: LiveStudio
) -> None:
    slide = next(live_studio.slides_dir.rglob("*.svs")).relative_to(live_studio.slides_dir)
    path = slide.as_posix()
    page.evaluate(
        """path => {
        const link = document.createElement("a");
        link.href = "/?slide=" + encodeURIComponent(path);
        link.dataset.selectSlide = path;
        link.id = "pick";
        link.textContent = "pick";
        document.body.append(link);
    }""",
        path,
    )
    asked = "/panels/info/?" + urlencode({"slide": path})
    with page.expect_response(lambda r: r.url.endswith(asked)) as info:
        page.locator("#pick").click()
    assert info.value.status == 200
    assert page.evaluate("new URL(location.href).searchParams.get('slide')") == path

    with page.expect_response(lambda r: r.url.endswith("/panels/info/?slide=")) as back:
        page.go_back()
    assert back.value.status == 200


def test_a_user_defines_a_custom_panel_in_the_more_dialog(
    page: Page, live_studio: LiveStudio
) -> None:
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("button", name="More…").click()
    dialog = page.get_by_role("dialog", name="Add panels")
    dialog.get_by_label("Title").fill("My LIMS")
    dialog.get_by_label("URL template").fill("javascript:alert(1)")
    dialog.get_by_role("button", name="Save and add").click()
    assert "http" in dialog.get_by_role("alert").inner_text()

    dialog.get_by_label("URL template").fill("https://lims.example.org/?slide={slide}")
    # Any save may come first (the viewer's too): wait until one with the panel is stored.
    with page.expect_response(
        lambda r: (
            ARRANGEMENT in r.url
            and r.request.method == "POST"
            and "My LIMS" in (r.request.post_data or "")
        )
    ) as stored:
        dialog.get_by_role("button", name="Save and add").click()
    assert stored.value.ok
    expect(page.locator(".dock .dv-tab", has_text="My LIMS")).to_be_visible()
    assert tab_in_sight(page, "My LIMS")

    open_cockpit(page, live_studio)
    assert "My LIMS" in tab_titles(page)

    # Panel types are added from the same dialog; deleting the custom panel closes it.
    ribbon.get_by_role("button", name="More…").click()
    dialog.get_by_label("Macro").check()
    dialog.get_by_role("button", name="Add selected").click()
    # A second Macro panel: named apart, said so, its tab active and in sight.
    expect(page.locator("#cockpit-toast")).to_have_text("Added “Macro 2”.")
    assert "Macro" in tab_titles(page) and "Macro 2" in tab_titles(page)
    assert tab_in_sight(page, "Macro 2")
    assert page.evaluate("window.cockpit.api.getPanel('macro-2').api.isActive")
    ribbon.get_by_role("button", name="More…").click()
    dialog.get_by_role("button", name="Delete My LIMS").click()
    page.wait_for_function("!window.cockpit.api.panels.some(p => p.title === 'My LIMS')")
    page.keyboard.press("Escape")


def test_a_saved_arrangement_that_does_not_restore_gives_way_to_the_layout(
    page: Page, live_studio: LiveStudio
) -> None:
    # Well-formed enough for the server, but dockview refuses a group id that is a number.
    broken = {
        "grid": {
            "root": {
                "type": "branch",
                "size": 600,
                "data": [{"type": "leaf", "size": 800, "data": {"id": 7, "views": ["info"]}}],
            },
            "width": 800,
            "height": 600,
            "orientation": "HORIZONTAL",
        },
        "panels": {"info": {"id": "info", "contentComponent": "panel", "params": {"type": "info"}}},
    }
    status = page.evaluate(
        """async ([url, state]) => (await fetch(url, {
            method: "POST", body: JSON.stringify(state),
            headers: {"X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content},
        })).status""",
        [ARRANGEMENT, broken],
    )
    assert status == 204
    with page.expect_request(lambda r: ARRANGEMENT in r.url and r.method == "DELETE"):
        open_cockpit(page, live_studio)
    assert page.evaluate("window.cockpit.source") == "default"
    titles = tab_titles(page)
    for _, title in default_leaves():
        assert title in titles


def test_the_cockpit_stays_usable_at_800_by_700(page: Page, live_studio: LiveStudio) -> None:
    page.set_viewport_size({"width": 800, "height": 700})
    with page.expect_response(lambda r: ARRANGEMENT in r.url):
        page.evaluate("window.cockpit.manager.reset()")
    open_cockpit(page, live_studio, "?slide=demo/breast/CASE-001/CASE-001-A2.svs")

    # Nothing to scroll: the cockpit fits the window.
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 700
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 800

    # The side panels stack beside the viewer, each wide enough to read.
    for panel_id in ("browser", "info"):
        width = page.evaluate(f"window.cockpit.api.getPanel('{panel_id}').group.api.width")
        assert width >= 280, (panel_id, width)
    facts = page.locator(".panel-info .panel-facts dd")
    facts.first.wait_for(timeout=TIMEOUT_MS)
    for box in [dd.bounding_box() for dd in facts.all()]:
        assert box is not None and box["width"] >= 200, box

    # The ribbon folds groups that do not fit into menus; Rotate and Flip are one click away.
    ribbon = page.get_by_role("navigation", name="Ribbon")
    flip = ribbon.get_by_role("button", name="Flip vertically")
    if not flip.is_visible():
        ribbon.get_by_role("button", name="Viewport ▾").click()
    assert in_window(page, flip) and in_window(
        page, ribbon.get_by_role("button", name="Rotate right")
    )
    page.locator(".viewer-cell[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    flip.click()
    viewport = "window.cockpit.viewers.get('viewer').viewerAt(0).viewport"
    assert page.evaluate(f"{viewport}.getFlip()") is True
    assert not flip.is_visible(), "running an action closes its menu"
    # From the keyboard: the menu button opens with Enter, Escape closes it.
    toggle = ribbon.get_by_role("button", name="Viewport ▾")
    if toggle.is_visible():
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"

    # The shared-links panel in its stack: whole words, actions in reach.
    page.evaluate(
        """async () => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const body = new FormData();
        body.append("kind", "folder");
        body.append("folder", "demo/breast/CASE-001");
        await fetch("/sharing/links/", {method: "POST", body, headers: {"X-CSRFToken": token}});
    }"""
    )
    page.locator(".dock .dv-tab", has_text="Shared links").first.click()
    page.locator(".shared-links-filter select").first.select_option("active")
    row = page.locator("#shared-links-list tbody tr").first
    row.wait_for(timeout=TIMEOUT_MS)
    target = row.locator(".target")
    assert words_unbroken(page, target), target.inner_text()
    for name in ("Copy", "Suspend", "Delete"):
        button = row.get_by_role("button", name=name)
        button.scroll_into_view_if_needed()  # the panel scrolls up and down, never sideways
        assert in_window(page, button), name
    page.screenshot(path=str(SCREENSHOTS / "cockpit-800x700.png"))


def in_window(page: Page, locator: object) -> bool:
    box = locator.bounding_box()  # type: ignore[attr-defined]
    size = page.viewport_size
    return bool(
        box
        and size
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def words_unbroken(page: Page, locator: object) -> bool:
    """Whether every line of the element's text ends at a slash or a space, never mid-name."""
    return bool(
        locator.evaluate(  # type: ignore[attr-defined]
            """e => {
            const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            const chars = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const rect = range.getBoundingClientRect();
                    if (rect.width) chars.push([node.data[i], Math.round(rect.top)]);
                }
            }
            for (let i = 1; i < chars.length; i++) {
                if (chars[i][1] > chars[i - 1][1] && !"/ ".includes(chars[i - 1][0])) return false;
            }
            return true;
        }"""
        )
    )
