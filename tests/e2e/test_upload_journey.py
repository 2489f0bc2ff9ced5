"""A pathologist drops slide files onto a folder of the slide browser, watches them go up,
and finds the slide in that folder; the file that is no slide is refused on its row."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.base import demo_slides_dir_or_skip
from tests.e2e.conftest import PASSWORD, USERNAME, LiveStudio
from tests.live_server import live_server
from tests.tileserver.transfer_fixtures import DICOM_SERIES

pytestmark = [pytest.mark.browser, pytest.mark.own_tile_server]

TIMEOUT_MS = 30_000
MAKE_DROP = """([name, data, junkName]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "application/octet-stream" }));
  transfer.items.add(new File(["shopping list, not a slide"], junkName, { type: "text/plain" }));
  return transfer;
}"""


@pytest.fixture
def writable_studio(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveStudio]:
    """A studio of its own over a copy of the demo slides, which uploads may change."""
    slides = tmp_path / "slides"
    shutil.copytree(demo_slides_dir_or_skip(request), slides)
    setup = [["ensure_demo_user", USERNAME, PASSWORD]]
    with live_server(tmp_path / "studio", slides, ready_path="/login/", setup=setup) as url:
        yield LiveStudio(url, USERNAME, PASSWORD, slides)


def test_drop_a_slide_on_a_folder_and_find_it_there(
    browser_page: Page, writable_studio: LiveStudio
) -> None:
    page = browser_page
    studio = writable_studio
    (studio.slides_dir / "demo" / "incoming").mkdir()
    source = min(studio.slides_dir.rglob("*.svs"), key=lambda p: p.stat().st_size)
    studio.login(page)
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    page.locator(".panel-browser a.folder", has_text="demo").first.click()
    folder = page.locator(".panel-browser a.folder", has_text="incoming")
    folder.wait_for(timeout=TIMEOUT_MS)

    drop = page.evaluate_handle(
        MAKE_DROP, ["dropped.svs", base64.b64encode(source.read_bytes()).decode(), "notes.txt"]
    )
    folder.dispatch_event("dragover", {"dataTransfer": drop})
    folder.dispatch_event("drop", {"dataTransfer": drop})

    status = page.locator(".upload-status")
    done = status.locator(".upload.is-done", has_text="dropped.svs")
    done.wait_for(timeout=TIMEOUT_MS)
    bar = done.locator("progress")
    assert bar.evaluate("(bar) => bar.value === bar.max && bar.max > 1")
    refused = status.locator(".upload.is-failed", has_text="notes.txt")
    refused.wait_for(timeout=TIMEOUT_MS)
    assert "not a slide file" in refused.locator("[role=alert]").inner_text()

    # The browser opens the folder the slide went into, the slide selected.
    page.locator('.panel-browser a.slide[data-select-slide="demo/incoming/dropped.svs"]').wait_for(
        timeout=TIMEOUT_MS
    )
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "upload-dropped.png"))
    assert (studio.slides_dir / "demo/incoming/dropped.svs").read_bytes() == source.read_bytes()
    assert not (studio.slides_dir / "demo/incoming/notes.txt").exists()


def test_upload_a_dicom_series_with_the_file_picker(
    browser_page: Page, writable_studio: LiveStudio
) -> None:
    """The keyboard's way: "Upload slides…" in the open folder; two DICOM files of one
    series go up as one slide."""
    series = DICOM_SERIES
    if not series.is_dir():
        pytest.skip(f"the shared test data is absent ({series})")
    page = browser_page
    studio = writable_studio
    studio.login(page)
    page.wait_for_function("window.cockpitReady === true", timeout=TIMEOUT_MS)
    page.locator(".panel-browser a.folder", has_text="teaching").first.click()
    picker = page.locator(".panel-browser input[data-upload-folder='teaching']")
    picker.wait_for(state="attached", timeout=TIMEOUT_MS)
    picker.set_input_files([str(series / "boxes_0.dcm"), str(series / "boxes_1.dcm")])

    row = page.locator(".upload-status .upload.is-done", has_text="boxes_0.dcm")
    row.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".upload-status .upload").count() == 1  # one slide, two files
    page.locator('.panel-browser a.slide[data-select-slide="teaching/boxes_0.dcm"]').wait_for(
        timeout=TIMEOUT_MS
    )
    for name in ("boxes_0.dcm", "boxes_1.dcm"):
        assert (studio.slides_dir / "teaching" / name).read_bytes() == (series / name).read_bytes()
