"""A data scientist brings an AI result onto a slide: Annotations → Import… shows the file's
format and its annotations counted per class before anything is saved; Enter imports them
all, and they show in the viewer and the panel. A broken file is named with the place of
its fault, and Escape leaves the slide as it was."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LiveStudio

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
CELL = ".viewer-cell[data-cell='0']"


def square(x: int, name: str) -> dict:
    ring = [[x, 100], [x + 80, 100], [x + 80, 180], [x, 180], [x, 100]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"classification": {"name": name, "color": [200, 0, 0]}},
    }


def open_import(ribbon: Locator) -> None:
    button = ribbon.get_by_role("button", name="Import…")
    if not button.is_visible():  # the Data group folds into a menu on narrow windows
        ribbon.get_by_role("button", name="Data").click()
    button.click()


def test_an_import_is_previewed_per_class_then_saved_whole(
    browser_page: Page, live_studio: LiveStudio, tmp_path: Path
) -> None:
    page = browser_page
    slides = sorted(
        p.relative_to(live_studio.slides_dir).as_posix()
        for p in live_studio.slides_dir.rglob("*.svs")
    )
    slide = slides[-3]
    features = [square(100 * i, "AI tumour <b>") for i in range(3)] + [square(400, "AI stroma")]
    good = tmp_path / "ai-result.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    broken = tmp_path / "broken.geojson"
    broken.write_text(json.dumps({"type": "FeatureCollection", "features": features})[:-40])

    live_studio.login(page, f"/?slide={slide}")
    page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=TIMEOUT_MS)
    url = f"{live_studio.url}/annotations/?slide={quote(slide)}"
    known = {item["id"] for item in page.request.get(url).json()["annotations"]}
    ribbon = page.get_by_role("navigation", name="Ribbon")
    ribbon.get_by_role("tab", name="Annotations").click()

    # A broken file: the error names it and where; Escape cancels; nothing saved.
    open_import(ribbon)
    dialog = page.get_by_role("dialog", name="Import annotations")
    expect(dialog).to_be_visible()
    dialog.get_by_label("File", exact=True).set_input_files(broken)
    expect(dialog.get_by_role("alert")).to_contain_text("broken.geojson: line 1")
    expect(dialog.get_by_role("button", name="Import")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert {i["id"] for i in page.request.get(url).json()["annotations"]} == known

    # A good file: the preview counts per class, Enter imports them all.
    open_import(ribbon)
    dialog.get_by_label("File", exact=True).set_input_files(good)
    preview = dialog.locator("[data-role='preview']")
    expect(preview).to_contain_text("ai-result.geojson: 4 annotations as QuPath GeoJSON")
    rows = preview.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert rows.nth(0).locator("td").all_inner_texts() == ["AI stroma", "1"]
    assert rows.nth(1).locator("td").all_inner_texts() == ["AI tumour <b>", "3"]
    assert {i["id"] for i in page.request.get(url).json()["annotations"]} == known  # not yet
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/annotations/import/" in r.url
    ) as saved:
        page.keyboard.press("Enter")
    assert saved.value.status == 201
    expect(dialog).to_be_hidden()
    expect(page.locator("#cockpit-toast")).to_contain_text("Imported 4 annotations")

    added = [i for i in page.request.get(url).json()["annotations"] if i["id"] not in known]
    assert sorted(i["classification"] for i in added) == ["AI stroma"] + ["AI tumour <b>"] * 3
    page.locator(".dock .dv-tab", has_text="Annotations").first.click()
    group = page.locator(".panel-annotations .annotation-class", has_text="AI tumour <b>")
    expect(group.locator(".count")).to_have_text("3", timeout=TIMEOUT_MS)
    for item in added:
        live_studio.delete_annotation(page, slide, item["id"])
