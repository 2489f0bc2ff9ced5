"""20,000 annotations on one slide: how long the list takes to come, to draw, and to pan.

Starts the studio (Daphne, the embedded tile server, a database and the small demo slides
of its own), logs in, and saves N polygons (octagons of 16 to 120 px, spread over the
largest demo slide) in SaveAnnotations calls of 2,000. Then:

- GetAnnotations latency: the studio's `/annotations/` route (what the cockpit loads) and
  the tile server's own `/core/api/json/GetAnnotations` (what pma_python calls), R rounds
  each, after one warm-up;
- in Debian's chromium (Playwright): the time from opening the cockpit on the slide to the
  first frame drawn with the annotations, and the frame times (requestAnimationFrame
  intervals) while the mouse drags the view across them, at the whole-slide view and
  zoomed in by 16 and 22 wheel steps (1.2x each, up to OpenSeadragon's maximum zoom); first
  on the slide without annotations, the baseline of tiles alone (chromium here draws
  without a GPU). Each line names how the viewer drew the annotations (annotation-view.js:
  shapes in "detail", one picture in "overview").

    python bench/annotations.py [--count 20000] [--rounds 5]

Prints a table; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import django
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.live_settings")
django.setup()  # the journeys' module (its browser settings) imports Django models
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.live_server import live_process  # noqa: E402
from tileserver.lib.demo_slides import DEMO_SLIDES, make_demo_slides  # noqa: E402

USER, PASSWORD = "bench", "bench-annotations-password"
CLASSES = ["Tumor", "Stroma", "Immune cells", "Necrosis", ""]
BATCH = 2000
CELL = ".viewer-cell[data-cell='0']"


def polygons(count: int, width: int, height: int, seed: int = 8) -> list[dict]:
    rng = random.Random(seed)
    drafts = []
    for i in range(count):
        radius = rng.uniform(8, 60)
        cx = rng.uniform(radius, width - radius)
        cy = rng.uniform(radius, height - radius)
        points = [
            (cx + radius * math.cos(k * math.pi / 4), cy + radius * math.sin(k * math.pi / 4))
            for k in range(8)
        ]
        ring = ", ".join(f"{x:.0f} {y:.0f}" for x, y in [*points, points[0]])
        drafts.append({"geometry": f"POLYGON (({ring}))", "classification": CLASSES[i % 5]})
    return drafts


def login(url: str) -> requests.Session:
    http = requests.Session()
    http.get(url + "/login/", timeout=10)
    http.post(
        url + "/login/",
        data={
            "username": USER,
            "password": PASSWORD,
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
        headers={"Referer": url + "/login/"},
        timeout=10,
    )
    assert "sessionid" in http.cookies, "login failed"
    return http


def timed(get, rounds: int) -> list[float]:
    get()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        get()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(name: str, values: list[float], unit: str = "ms") -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<52} median {statistics.median(values):8.1f} {unit}"
        f"  p95 {p95:8.1f}  max {max(values):8.1f}  (n={len(values)})"
    )


RECORD_FRAMES = """() => {
  const frames = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => {
    frames.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return new Promise((resolve) => {
    window.__benchStop = () => { running = false; resolve(frames); };
  });
}"""
NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def pan(page, box: dict, sweeps: int = 4) -> list[float]:
    """Drag the view left and right across the viewer; the rAF intervals meanwhile."""
    page.evaluate(f"() => {{ window.__benchFrames = ({RECORD_FRAMES})(); }}")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    reach = box["width"] * 0.35
    for sweep in range(sweeps):
        direction = 1 if sweep % 2 == 0 else -1
        page.mouse.move(cx - direction * reach, cy)
        page.mouse.down()
        for step in range(1, 41):
            x = cx - direction * reach + direction * 2 * reach * step / 40
            page.mouse.move(x, cy + 30 * math.sin(step / 6))
            page.wait_for_timeout(16)
        page.mouse.up()
        page.wait_for_timeout(300)
    page.evaluate("() => window.__benchStop()")
    frames = page.evaluate("() => window.__benchFrames")
    return frames[1:]


def mode(page) -> str:
    """How the viewer draws the annotations now (annotation-view.js)."""
    found = page.locator(f"{CELL} [data-annotations-mode]")
    return found.first.get_attribute("data-annotations-mode") if found.count() else "-"


def say(line: str) -> None:
    print(line, flush=True)


def browser_figures(url: str, slide: str, count: int) -> None:
    """With `count` annotations on the slide (0: the baseline, tiles only)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{url}/login/?next=/")
        page.get_by_label("Username").fill(USER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(url + "/")
        start = time.perf_counter()
        page.goto(f"{url}/?slide={quote(slide)}")
        page.locator(f"{CELL}[data-ready='true']").wait_for(timeout=120_000)
        page.locator(f"{CELL} [data-annotations='ready']").wait_for(timeout=600_000)
        page.evaluate(NEXT_FRAME)
        first_draw = (time.perf_counter() - start) * 1000
        name = f"cockpit opened → first frame, {count:,} annotations"
        say(f"{name:<52} {first_draw:8.0f} ms")
        page.wait_for_timeout(1000)
        box = page.locator(CELL).bounding_box()
        assert box is not None
        frames = pan(page, box)
        say(row(f"frame time panning, whole slide ({mode(page)})", frames))
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(16):  # 1.2x per wheel step, up to OpenSeadragon's maximum zoom
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(150)
        page.wait_for_timeout(3000)
        frames = pan(page, box)
        say(row(f"frame time panning, 16 wheel steps in ({mode(page)})", frames))
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(6):  # surely at the maximum zoom (1 image pixel: 1.1 screen pixels)
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(150)
        page.wait_for_timeout(3000)
        frames = pan(page, box)
        say(row(f"frame time panning, 22 wheel steps in ({mode(page)})", frames))
        context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    # Stopped with SIGTERM, it still stops the studio and the browser it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    with tempfile.TemporaryDirectory(prefix="bench-annotations-") as tmp:
        work, slides = Path(tmp) / "studio", Path(tmp) / "slides"
        work.mkdir()
        make_demo_slides(slides, small=True, log=lambda line: None)
        demo = max(DEMO_SLIDES, key=lambda s: s.width * s.height)
        width, height = demo.dimensions(small=True)
        setup = [["ensure_demo_user", USER, PASSWORD]]
        with live_process(work, slides, ready_path="/login/", setup=setup) as process:
            url = process.url
            http = login(url)
            slide = demo.path
            route = f"{url}/annotations/?slide={quote(slide)}"
            if not args.no_browser:
                browser_figures(url, slide, 0)
            start = time.perf_counter()
            drafts = polygons(args.count, width, height)
            for at in range(0, len(drafts), BATCH):  # a request body stays under Django's 2.5 MB
                saved = http.post(
                    route,
                    json={"added": drafts[at : at + BATCH]},
                    headers={"X-CSRFToken": http.cookies["csrftoken"], "Referer": url + "/"},
                    timeout=600,
                )
                assert saved.status_code == 201, saved.text[:500]
            took = time.perf_counter() - start
            size = f"{width}x{height} px"
            say(f"slide {slide} ({size}): {args.count:,} polygons saved in {took:.1f} s")

            answer = http.get(route, timeout=120)
            assert len(answer.json()["annotations"]) == args.count
            say(f"studio list: {len(answer.content) / 1e6:.1f} MB of JSON")
            core = f"{url}/core/api/json/"
            login_body = {"username": USER, "password": PASSWORD, "caller": "bench"}
            sid = requests.post(core + "Authenticate", json=login_body, timeout=10).json()
            sid = sid["SessionId"]
            params = {"sessionID": sid, "pathOrUid": slide}
            studio_times = timed(lambda: http.get(route, timeout=120), args.rounds)
            say(row("studio GET /annotations/ (cockpit)", studio_times))
            core_times = timed(
                lambda: requests.get(core + "GetAnnotations", params=params, timeout=120),
                args.rounds,
            )
            say(row("tile server GetAnnotations (pma_python)", core_times))
            if not args.no_browser:
                browser_figures(url, slide, args.count)


if __name__ == "__main__":
    main()
