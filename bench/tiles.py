"""Tile throughput of the studio's tile route, beside OpenSlide read + encode as reference.

Starts the studio (Daphne, one process with a database of its own, then several), logs in
over HTTP like a browser, then requests random native-resolution tissue tiles of
the largest demo slide at concurrency 8 and 64: first cold (fresh server, tiles never
asked for), then warm (the same tiles again). Tiles of bare glass are left out: they are
the cheap case. The references run in the same invocation on the same tiles: OpenSlide
read_region + JPEG encode in a loop (one thread), Deep Zoom tiles (254 px + 1 overlap,
OpenSlide's own example server's grid) in two processes, and the same from a Deep Zoom
server over HTTP in two processes (bench/deepzoom_server.py), cold. The goals are printed last, each
as a ratio measured in this run beside its target.

With one process, two more references: a share link's tiles (cold and warm, on tiles of
their own) against a logged-in user's, and, with wrk (Debian's package) as the load client,
warm tiles against nginx serving the same tiles as static files (the ceiling for a tile
that needs no work).

Several processes run as README's scale-out section sets them up: on one port sharing a
Redis started here ("+ Redis"), then each on a port of its own as on several machines,
with nginx in front (round robin, sticky nothing) and a PostgreSQL started here as well
("behind nginx").

    python bench/tiles.py [--slide PATH] [--tiles N] [--workers 1 2]
    python bench/tiles.py --remote [--slide PATH] [--tiles N]

`--remote` measures the remote tile-server path instead: a studio process in front of a
second process of this project in tile-server role (TILE_SERVER_URL), beside the same load
sent straight to that tile server's `/core/tile`, and prints their ratio. There "cpu ms" is
the CPU time per tile of the process the load is sent to: the tile server's for the direct
runs, the studio's own for the others.

Prints a table, with the studio's own CPU time per tile (its processes' user + system
time over the run), steadier than a rate on a machine doing other work; nothing here
asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

APP = "studio.asgi:application"
APP_ALONE = "bench.constant_app:application"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.nginx import Nginx  # noqa: E402  (as the scale-out tests start them)
from tests.scale_out import postgresql, redis  # noqa: E402

PYTHON = sys.executable
USER, PASSWORD = "bench", "bench-tiles-password"
TISSUE_BELOW = 200  # a thumbnail pixel darker than this in some channel shows tissue


@dataclass
class Figures:
    name: str
    count: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    # The server's own CPU time per tile (user + system, all its processes): on a machine
    # doing other work as well, steadier than a rate.
    cpu_ms: float | None = None

    @classmethod
    def of(
        cls, name: str, count: int, seconds: float, latencies: list[float], errors: int = 0
    ) -> Figures:
        lat = sorted(latencies) or [float("nan")]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return cls(name, count, seconds, lat[len(lat) // 2] * 1000, p99 * 1000, errors)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        errors = f"  ({self.errors} errors)" if self.errors else ""
        cpu = f"{self.cpu_ms:>9.2f}" if self.cpu_ms is not None else f"{'':>9}"
        return (
            f"{self.name:<52} {self.rate:>9.0f} {self.p50_ms:>9.1f} {self.p99_ms:>9.1f} {cpu}"
            + errors
        )


# --- the studio under test -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Studio:
    """The studio in its own processes, with its own database, serving SLIDES_DIR: on one
    port (`serve --workers N`), or each process on a port of its own (`apart`, as on
    several machines behind a load balancer)."""

    def __init__(
        self,
        slides_dir: Path,
        workers: int,
        extra_env: dict[str, str] | None = None,
        apart: bool = False,
    ) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="studio-bench-"))
        self.port = free_port()
        self.ports = [self.port, *(free_port() for _ in range(workers - 1))] if apart else []
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SLIDES_DIR": str(slides_dir),
            "DATABASE_URL": f"sqlite:///{self.dir / 'db.sqlite3'}",
            "VAR_DIR": str(self.dir),
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_SSL_REDIRECT": "false",
            "DJANGO_SETTINGS_MODULE": "studio.settings",
            **(extra_env or {}),
        }
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=self.env, check=True)
        subprocess.run(
            [*manage, "ensure_demo_user", USER, PASSWORD],
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        from studio.management.commands.serve import bind

        self.processes = []
        for n in range(workers):
            sock = bind("127.0.0.1", self.ports[n] if apart else self.port)
            self.processes.append(
                subprocess.Popen(
                    [PYTHON, "-m", "studio.server", "--fd", str(sock.fileno()), APP],
                    pass_fds=[sock.fileno()],
                    env=self.env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            sock.close()
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        # The port accepts connections before Daphne has loaded the app, and a slow machine
        # takes a while: wait for a real answer, and treat a slow one as "not yet".
        deadline = time.monotonic() + 120
        waiting = list(self.ports or [self.port])
        while waiting and time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError("a studio process exited while starting")
            try:
                url = f"http://127.0.0.1:{waiting[0]}/login/"
                if requests.get(url, timeout=5).status_code == 200:
                    waiting.pop(0)
                    continue
            except requests.RequestException:
                pass
            time.sleep(0.2)
        if not waiting:
            return
        raise RuntimeError("the studio did not answer within 120 s")

    def login(self) -> str:
        """The session cookie of a logged-in user, got the way a browser gets it."""
        http = requests.Session()
        page = http.get(self.url + "/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        reply = http.post(
            self.url + "/login/",
            data={"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": self.url + "/login/"},
            timeout=10,
        )
        reply.raise_for_status()
        cookie = http.cookies.get("sessionid")
        assert cookie, "login did not set a session cookie"
        return cookie

    def fingerprint(self, cookie: str, slide_path: str) -> str:
        """The slide's fingerprint, read from the viewer page as a browser gets it."""
        info = requests.get(
            f"{self.url}/viewer/",
            params={"slide": slide_path},
            cookies={"sessionid": cookie},
            timeout=30,
        )
        info.raise_for_status()
        found = re.search(r'"fingerprint":\s*"([^"]+)"', info.text)
        assert found, "the viewer page carries no fingerprint"
        return found[1]

    def share_link(self, slide_path: str) -> str:
        """The token of a new share link for the slide, made through the integrator API."""
        login = requests.post(
            self.url + "/core/api/json/authenticate",
            json={"username": USER, "password": PASSWORD, "caller": "bench"},
            timeout=30,
        ).json()
        link = requests.get(
            self.url + "/API/Share/CreateLinkForSlide",
            params={"sessionID": login["SessionId"], "pathOrUid": slide_path},
            timeout=30,
        )
        link.raise_for_status()
        return link.json().rstrip("/").rsplit("/", 1)[-1]

    def get(self, path: str, cookie: str) -> bytes:
        reply = requests.get(self.url + path, cookies={"sessionid": cookie}, timeout=30)
        reply.raise_for_status()
        return reply.content

    def cpu_seconds(self) -> float:
        """User + system CPU time of the studio's processes so far."""
        ticks = 0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- load: a lean keep-alive HTTP/1.1 client in its own process ---------------------------


async def _connection(port: int, paths: list[str], cookie: str, out: list, errors: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie_line = f"Cookie: sessionid={cookie}\r\n" if cookie else ""
    head = f"Host: 127.0.0.1:{port}\r\n{cookie_line}Connection: keep-alive\r\n\r\n"
    for path in paths:
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\n{head}".encode())
        await writer.drain()
        status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        headers = dict(line.decode().lower().split(":", 1) for line in header_lines if b":" in line)
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif "chunked" in headers.get("transfer-encoding", ""):
            while size := int((await reader.readline()).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        out.append(time.perf_counter() - started)
        if b" 200 " not in status_line + b" ":
            errors.append(status_line)
    writer.close()


async def _load(port: int, paths: list[str], cookie: str, concurrency: int) -> tuple:
    latencies: list[float] = []
    errors: list[bytes] = []
    shares = [paths[i::concurrency] for i in range(concurrency)]
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, s, cookie, latencies, errors) for s in shares))
    return time.perf_counter() - started, latencies, len(errors)


def run_load(port: int, paths: list[str], cookie: str, concurrency: int) -> tuple:
    return asyncio.run(_load(port, paths, cookie, concurrency))


# --- reference: nginx serving the same tiles as files, loaded with wrk --------------------


def static_tiles(tiles: dict[str, bytes]) -> Nginx:
    """nginx serving `tiles` ({URL path: JPEG bytes}) as files."""

    def http(port: int, folder: Path) -> str:
        return f"server {{ listen 127.0.0.1:{port}; root {folder}/root; }}"

    return Nginx(http, next(iter(tiles)), tiles)


def balancer(ports: list[int]) -> Nginx:
    """nginx in front of studio processes, round robin, sticky nothing (README: Scaling out)."""
    servers = " ".join(f"server 127.0.0.1:{port};" for port in ports)

    def http(port: int, folder: Path) -> str:
        return f"""upstream studio {{ {servers} keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://studio;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}"""

    return Nginx(http, "/login/")


WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
local headers = {Cookie = "%(cookie)s"}
init = function(args) i = math.random(#paths) end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(name: str, port: int, paths: list[str], cookie: str, concurrency: int) -> Figures:
    """`paths` round and round for a few seconds with wrk, keep-alive, two threads."""
    with tempfile.TemporaryDirectory(prefix="studio-bench-wrk-") as folder:
        listing = Path(folder) / "paths"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "tiles.lua"
        session = f"sessionid={cookie}" if cookie else ""
        script.write_text(WRK_SCRIPT % {"paths": listing, "cookie": session})
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{concurrency}",
                "-d5s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = re.search(r"^WRK (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    assert found, f"wrk printed no summary:\n{output}"
    count, micros, p50, p99, errors = (int(v) for v in found.groups())
    return Figures(name, count, micros / 1e6, p50 / 1000, p99 / 1000, errors)


# --- reference: OpenSlide read + encode ---------------------------------------------------


def reference_read_encode(slide_file: str, tiles: list[tuple[int, int]], size: int) -> tuple:
    import openslide

    slide = openslide.OpenSlide(slide_file)
    latencies = []
    started = time.perf_counter()
    for x, y in tiles:
        t = time.perf_counter()
        image = slide.read_region((x * size, y * size), 0, (size, size)).convert("RGB")
        image.save(io.BytesIO(), "JPEG", quality=90)
        latencies.append(time.perf_counter() - t)
    return time.perf_counter() - started, latencies


def reference_deepzoom(slide_file: str, tiles: list[tuple[int, int]]) -> tuple:
    import openslide
    from openslide.deepzoom import DeepZoomGenerator

    generator = DeepZoomGenerator(openslide.OpenSlide(slide_file), tile_size=254, overlap=1)
    level = generator.level_count - 1
    cols, rows = generator.level_tiles[level]
    latencies = []
    started = time.perf_counter()
    for x, y in tiles:
        t = time.perf_counter()
        generator.get_tile(level, (x % cols, y % rows)).save(io.BytesIO(), "JPEG", quality=75)
        latencies.append(time.perf_counter() - t)
    return time.perf_counter() - started, latencies


# --- the run ------------------------------------------------------------------------------


class DeepZoomServer:
    """bench/deepzoom_server.py on a free port, two processes."""

    def __init__(self, slide_file: Path) -> None:
        import openslide
        from openslide.deepzoom import DeepZoomGenerator

        generator = DeepZoomGenerator(openslide.OpenSlide(slide_file), tile_size=254, overlap=1)
        self.cols, self.rows = generator.level_tiles[-1]
        self.port = free_port()
        script = ROOT / "bench" / "deepzoom_server.py"
        self.process = subprocess.Popen([PYTHON, str(script), str(slide_file), str(self.port)])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/tile/0_0.jpeg"
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("the Deep Zoom server did not answer within 60 s")

    def paths(self, tiles: list[tuple[int, int]]) -> list[str]:
        return [f"/tile/{x % self.cols}_{y % self.rows}.jpeg" for x, y in tiles]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def tissue_tiles(slide_file: Path, size: int) -> list[tuple[int, int]]:
    """Whole level-0 tiles that show tissue: the slide's thumbnail at one pixel per tile,
    darker than glass in some channel (glass is near white in all three)."""
    import numpy as np
    import openslide

    slide = openslide.OpenSlide(slide_file)
    cols, rows = slide.dimensions[0] // size, slide.dimensions[1] // size
    thumbnail = slide.get_thumbnail((cols, rows)).convert("RGB").resize((cols, rows))
    darkest = np.asarray(thumbnail).min(axis=2)
    return [(x, y) for y in range(rows) for x in range(cols) if darkest[y, x] < TISSUE_BELOW]


def largest_slide(slides_dir: Path) -> tuple[str, Path]:
    import openslide

    best = max(
        (p for p in slides_dir.rglob("*.svs") if not p.name.startswith(".")),
        key=lambda p: openslide.OpenSlide(p).dimensions[0] * openslide.OpenSlide(p).dimensions[1],
    )
    return best.relative_to(slides_dir).as_posix(), best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slides-dir", default=os.environ.get("SLIDES_DIR", "var/slides"))
    parser.add_argument("--slide", help="virtual path of the slide (default: the largest)")
    parser.add_argument("--tiles", type=int, default=3000, help="tiles per cold run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--remote", action="store_true", help="the remote tile-server path against direct"
    )
    args = parser.parse_args()

    slides_dir = Path(args.slides_dir).resolve()
    if args.slide:
        slide_path, slide_file = args.slide, slides_dir / args.slide
    else:
        slide_path, slide_file = largest_slide(slides_dir)

    import openslide

    width, height = openslide.OpenSlide(slide_file).dimensions
    size = 256
    # Whole tiles only: random native-resolution tiles, as a pathologist panning at 40x.
    cols, rows = width // size, height // size
    rng = random.Random(args.seed)
    tissue = tissue_tiles(slide_file, size)
    print(f"slide {slide_path}: {width} x {height} px, {cols * rows} whole tiles at level 0,")
    print(f"{len(tissue)} of them tissue: the tiles asked for below")
    print(f"{os.cpu_count()} cores; load client in its own process on the same machine\n")
    header = f"{'run':<52} {'tiles/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'cpu ms':>9}"
    print(header)
    print("-" * len(header))
    if args.remote:
        # Direct and through ask for the same tiles; each pair of runs has a fresh studio.
        theirs = rng.sample(tissue, min(args.tiles, len(tissue)))
        remote(slides_dir, slide_path, max_zoom(width, height, size), theirs)
        return

    # Three tile sets: cold at concurrency 8, cold at 64, and a share link's own.
    count = min(args.tiles, len(tissue) // 3)
    pool = rng.sample(tissue, 3 * count)
    cold_8, cold_64, shared = pool[:count], pool[count : 2 * count], pool[2 * count :]
    runs: dict[str, Figures] = {}

    seconds, lat = reference_read_encode(str(slide_file), cold_8[:1000], size)
    print(Figures.of("reference: OpenSlide read+encode, 1 thread", 1000, seconds, lat).row())
    with ProcessPoolExecutor(2) as pool_2:
        halves = [cold_8[:500], cold_8[500:1000]]
        started = time.perf_counter()
        results = list(pool_2.map(reference_deepzoom, [str(slide_file)] * 2, halves))
        seconds = time.perf_counter() - started
    lat = [v for _, part in results for v in part]
    runs["deepzoom"] = Figures.of("reference: Deep Zoom get_tile, 2 processes", 1000, seconds, lat)
    print(runs["deepzoom"].row())

    # The same tiles from a Deep Zoom server over HTTP, cold, as from the studio below.
    server = DeepZoomServer(slide_file)
    try:
        with ProcessPoolExecutor(1) as client:
            for c, tiles in ((8, cold_8), (64, cold_64)):
                paths = server.paths(tiles)
                seconds, lat, errors = client.submit(run_load, server.port, paths, "", c).result()
                name = f"reference: Deep Zoom server, 2 processes, cold, concurrency {c}"
                runs[f"dz-cold-{c}"] = Figures.of(name, len(paths), seconds, lat, errors)
                print(runs[f"dz-cold-{c}"].row())
    finally:
        server.stop()

    z = max_zoom(width, height, size)
    quoted = requests.utils.quote(slide_path, safe="")
    # Several processes as README's scale-out section runs them: on one port sharing a
    # Redis, then each on a port of its own (as on several machines) behind nginx, sharing
    # Redis and PostgreSQL.
    layouts = [(workers, False) for workers in args.workers]
    if args.workers[-1] > 1:
        layouts.append((args.workers[-1], True))
    for workers, apart in layouts:
        with ExitStack() as stack:
            extra = {"REDIS_URL": stack.enter_context(redis())} if workers > 1 else {}
            if apart:
                database = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                extra["DATABASE_URL"] = new_database(stack.enter_context(postgresql(database)))
            studio = Studio(slides_dir, workers, extra, apart=apart)
            stack.callback(studio.stop)
            port = studio.port
            if apart:
                front = balancer(studio.ports)
                stack.callback(front.stop)
                port = front.port
            cookie = studio.login()
            fingerprint = studio.fingerprint(cookie, slide_path)

            def url(x: int, y: int, fp: str = fingerprint) -> str:
                return f"/tiles/{fp}/{z}/{x}_{y}.jpg?slide={quoted}"

            label = f"studio, {workers} process{'es' if workers > 1 else ''}"
            label += " behind nginx" if apart else " + Redis" if workers > 1 else ""
            key = f"{workers}-apart" if apart else str(workers)
            client = stack.enter_context(ProcessPoolExecutor(1))

            loads = [(key, label, [url(*t) for t in cold_8], cookie, 8)]
            loads.append((key, label, [url(*t) for t in cold_64], cookie, 64))
            if workers == 1:
                token = studio.share_link(slide_path)
                share = [
                    f"/s/{token}/tiles/{fingerprint}/{z}/{x}_{y}.jpg?slide=0" for x, y in shared
                ]
                loads.append(("share", "share link, 1 process", share, "", 8))
            for key, name, paths, session, c in loads:
                for phase in ("cold", "warm"):
                    cpu = studio.cpu_seconds()
                    seconds, lat, errors = client.submit(run_load, port, paths, session, c).result()
                    figures = Figures.of(
                        f"{name}, {phase}, concurrency {c}", len(paths), seconds, lat, errors
                    )
                    figures.cpu_ms = (studio.cpu_seconds() - cpu) * 1000 / len(paths)
                    runs[f"{key}-{phase}-{c}"] = figures
                    print(figures.row())
            if workers != 1:
                continue
            paths = [url(x, y) for x, y in cold_8]
            nginx = static_tiles(
                {path.split("?")[0]: studio.get(path, cookie) for path in paths[:1000]}
            )
            stack.callback(nginx.stop)
            ceiling = stack.enter_context(daphne_alone())
            for concurrency in (8, 64):
                for name, port, session in (
                    ("nginx, static files", nginx.port, ""),
                    ("Daphne alone, 7 KB constant", ceiling, ""),
                    ("studio, 1 process", studio.port, cookie),
                ):
                    figures = wrk(
                        f"wrk: {name}, warm, concurrency {concurrency}",
                        port,
                        paths[:1000],
                        session,
                        concurrency,
                    )
                    key = {nginx.port: "nginx", ceiling: "daphne"}.get(port, "wrk")
                    runs[f"{key}-warm-{concurrency}"] = figures
                    print(figures.row())
    print_goals(runs, args.workers)


def print_goals(runs: dict[str, Figures], workers: list[int]) -> None:
    """Each goal of the studio's tile serving, as measured in this run against its target."""
    print("\ngoals, measured in this run:")

    def goal(text: str, ratio: float, target: str) -> None:
        print(f"  {text}: {ratio:.2f} (goal {target})")

    for c in (8, 64):
        studio, server = runs[f"1-cold-{c}"], runs[f"dz-cold-{c}"]
        goal(f"cold tiles, c{c}, 1 process / Deep Zoom server", studio.rate / server.rate, ">= 3")
        goal(
            f"cold tiles, c{c}, 1 process / Deep Zoom in-process",
            studio.rate / runs["deepzoom"].rate,
            ">= 3",
        )
    goal(
        "p99 of cold tiles, c64, 1 process / Deep Zoom server",
        runs["1-cold-64"].p99_ms / runs["dz-cold-64"].p99_ms,
        "<= 0.33",
    )
    if "nginx-warm-8" in runs:
        for c in (8, 64):
            goal(
                f"warm tiles, c{c}, wrk: 1 process / nginx",
                runs[f"wrk-warm-{c}"].rate / runs[f"nginx-warm-{c}"].rate,
                ">= 0.1",
            )
            # What stands in the way: the server's own ceiling for the cheapest app.
            daphne = runs[f"daphne-warm-{c}"].rate
            ceiling = daphne / runs[f"nginx-warm-{c}"].rate
            studio = runs[f"wrk-warm-{c}"].rate / daphne
            print(
                f"    Daphne alone / nginx: {ceiling:.2f}; 1 process / Daphne alone: {studio:.2f}"
            )
    if "share-cold-8" in runs:
        for phase in ("cold", "warm"):
            share, mine = runs[f"share-{phase}-8"], runs[f"1-{phase}-8"]
            goal(
                f"{phase} tiles, c8, share-link tile / logged-in tile, time",
                mine.rate / share.rate,
                "<= 1.2",
            )
            if share.cpu_ms and mine.cpu_ms:
                goal(
                    f"{phase} tiles, c8, share-link tile / logged-in tile, CPU",
                    share.cpu_ms / mine.cpu_ms,
                    "<= 1.2",
                )
    if len(workers) > 1 and workers[0] == 1:
        n = workers[-1]
        for layout, key in (("+ Redis", str(n)), ("behind nginx", f"{n}-apart")):
            for phase in ("cold", "warm"):
                for c in (8, 64):
                    one, several = runs[f"1-{phase}-{c}"], runs[f"{key}-{phase}-{c}"]
                    goal(
                        f"{phase} tiles, c{c}, {n} processes {layout} / 1 process",
                        several.rate / one.rate,
                        ">= 1.7",
                    )
                    if one.cpu_ms and several.cpu_ms:
                        # What n processes give with a core each, the load client and nginx
                        # elsewhere: n cores over the CPU each tile costs them.
                        goal(
                            f"  the same by CPU per tile ({n} x {one.cpu_ms:.2f} / "
                            f"{several.cpu_ms:.2f} ms)",
                            n * one.cpu_ms / several.cpu_ms,
                            ">= 1.7",
                        )
    print("  (Deep Zoom in-process reads tiles without HTTP: a higher bar than its server)")


def remote(slides_dir: Path, slide_path: str, z: int, tiles: list[tuple[int, int]]) -> None:
    """The studio in front of a tile-server process, beside that tile server alone."""
    # The direct run comes first: read the slide once now, so that neither run pays for
    # the disk and the other finds the file in the page cache.
    with open(slides_dir / slide_path, "rb") as slide_file:
        while slide_file.read(1 << 24):
            pass
    tile_server = Studio(slides_dir, 1)
    try:
        login = requests.post(
            tile_server.url + "/core/api/json/authenticate",
            json={"username": USER, "password": PASSWORD, "caller": "bench"},
            timeout=30,
        ).json()
        quoted = requests.utils.quote(slide_path, safe="")
        direct = [
            f"/core/tile?sessionID={login['SessionId']}&pathOrUid={quoted}&x={x}&y={y}&z={z}"
            for x, y in tiles
        ]
        layouts = [("all processes on all cores", None, None)]
        if len(os.sched_getaffinity(0)) >= 2:
            # As on two machines: the tile server has a core to itself; the studio and the
            # load client share the other.
            layouts.append(("tile server on a core of its own", {0}, {1}))
        for layout, server_cpus, studio_cpus in layouts:
            print(f"{layout}:")
            pin(tile_server, server_cpus)
            with ProcessPoolExecutor(1, initializer=pin_self, initargs=(studio_cpus,)) as client:
                for concurrency in (8, 64):
                    # A fresh studio each time, so that its cold run finds nothing in its
                    # memory and every run can ask for all the tiles.
                    with remote_studio(slides_dir, tile_server) as studio:
                        pin(studio, studio_cpus)
                        cookie = studio.login()
                        fingerprint = studio.fingerprint(cookie, slide_path)
                        through = [
                            f"/tiles/{fingerprint}/{z}/{x}_{y}.jpg?slide={quoted}" for x, y in tiles
                        ]
                        runs = [
                            ("tile server direct", tile_server, direct, ""),
                            ("studio -> tile server, cold", studio, through, cookie),
                            ("studio -> tile server, warm", studio, through, cookie),
                        ]
                        rates = {}
                        for name, server, paths, session in runs:
                            cpu = server.cpu_seconds()
                            seconds, lat, errors = client.submit(
                                run_load, server.port, paths, session, concurrency
                            ).result()
                            label = f"  {name}, concurrency {concurrency}"
                            figures = Figures.of(label, len(paths), seconds, lat, errors)
                            figures.cpu_ms = (server.cpu_seconds() - cpu) * 1000 / len(paths)
                            rates[name] = figures.count / figures.seconds
                            print(figures.row())
                    direct_rate = rates["tile server direct"]
                    cold = rates["studio -> tile server, cold"] / direct_rate
                    warm = rates["studio -> tile server, warm"] / direct_rate
                    ratios = f"cold {cold:.2f}, warm {warm:.2f}"
                    print(f"  studio/direct, concurrency {concurrency}: {ratios}")
    finally:
        tile_server.stop()


@contextmanager
def remote_studio(slides_dir: Path, tile_server: Studio) -> Iterator[Studio]:
    """A studio process whose tile server is `tile_server` (TILE_SERVER_URL)."""
    studio = Studio(
        slides_dir,
        1,
        {
            "TILE_SERVER_URL": tile_server.url + "/core/",
            "TILE_SERVER_SERVICE_USERNAME": USER,
            "TILE_SERVER_SERVICE_PASSWORD": PASSWORD,
        },
    )
    try:
        yield studio
    finally:
        studio.stop()


@contextmanager
def daphne_alone() -> Iterator[int]:
    """Daphne as the studio runs it, serving bench/constant_app.py: the port."""
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "studio.server", "-b", "127.0.0.1", "-p", f"{port}", APP_ALONE],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise RuntimeError("Daphne did not answer within 60 s") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def new_database(url: str) -> str:
    """Create the (empty) database `url` names on its PostgreSQL server."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def pin(server: Studio, cpus: set[int] | None) -> None:
    """Run every thread of the server's processes on `cpus` (None: on all of them)."""
    for process in server.processes:
        for task in Path(f"/proc/{process.pid}/task").iterdir():
            with suppress(ProcessLookupError):  # a thread that has ended meanwhile
                os.sched_setaffinity(int(task.name), cpus or os.sched_getaffinity(0))


def pin_self(cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)


def max_zoom(width: int, height: int, size: int) -> int:
    z = 0
    while size * 2**z < max(width, height):
        z += 1
    return z


if __name__ == "__main__":
    main()
