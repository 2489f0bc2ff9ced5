"""Relay latency of a live session: one driver and N followers on real WebSockets.

Starts the studio (Daphne; one process with the in-memory channel layer, or two processes
on one port sharing a redis-server started here), opens a live session, connects N
followers and one driver, and has the driver send viewport moves at 20 per second (the
rate collaboration.js sends at). Prints, per setup, the relay latency from the driver's
send to each follower's receipt (p50/p99), the messages delivered per second, and the CPU
time the studio processes spent per move relayed (user + system, from /proc: unlike the
latencies it hardly depends on what else the machine is doing).

    python bench/collaboration.py [--followers 10 50 200] [--seconds 5] [--processes 1 2]

Nothing here asserts a speed. The issue's goal: p99 under 50 ms for 50 followers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tiles import PYTHON, USER, Studio  # noqa: E402

from tests.scale_out import redis  # noqa: E402
from tests.studio.websocket_client import Client  # noqa: E402

SEND_INTERVAL = 0.05
SESSION = "bench"
CREATE = (
    "from django.contrib.auth import get_user_model; "
    "from studio.collaboration.actions import create_session; "
    f"create_session(get_user_model().objects.get(username='{USER}'), name='{SESSION}')"
)


@contextlib.contextmanager
def studio(slides_dir: Path, processes: int) -> Iterator[Studio]:
    with contextlib.ExitStack() as stack:
        extra = {}
        if processes > 1:
            extra["REDIS_URL"] = stack.enter_context(redis())
        server = Studio(slides_dir, processes, extra)
        stack.callback(server.stop)
        subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "shell", "-c", CREATE], env=server.env, check=True
        )
        yield server


def cpu_seconds(server: Studio) -> float:
    """User + system CPU time the studio's processes have used so far."""
    ticks = 0
    for process in server.processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


async def run(server: Studio, followers: int, seconds: float) -> tuple[list[float], float, float]:
    url = server.url.replace("http://", "ws://") + f"/ws/collaboration/{SESSION}/"
    cookie = f"sessionid={server.login()}"
    sent: dict[int, float] = {}
    latencies: list[float] = []

    async def follow(client: Client, count: int) -> None:
        with contextlib.suppress(TimeoutError):
            while True:
                message = await client.receive_type("viewport", timeout=2)
                latencies.append(time.perf_counter() - sent[int(message["center"][0])])

    clients = []
    for _ in range(followers):  # one by one: a burst of connects is not what is measured
        clients.append(await Client.connect(url, origin=server.url, cookie=cookie))
    driver = await Client.connect(url, origin=server.url, cookie=cookie)
    # Every join tells everyone the new participant list (N² messages for N joiners): let
    # that settle, so what is measured is the relay of moves alone.
    await asyncio.gather(*(drain(client) for client in [driver, *clients]))
    listeners = [asyncio.create_task(follow(client, followers)) for client in clients]
    cpu = cpu_seconds(server)
    started = time.perf_counter()
    number = 0
    while time.perf_counter() - started < seconds:
        sent[number] = time.perf_counter()
        await driver.send(
            {"type": "viewport", "slide": "bench.svs", "center": [number, 0.5], "zoom": 1}
        )
        number += 1
        await asyncio.sleep(SEND_INTERVAL)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*listeners)
    cpu = cpu_seconds(server) - cpu  # the followers' 2 s of silence cost next to nothing
    for client in [driver, *clients]:
        await client.close()
    return latencies, len(latencies) / elapsed, cpu / number


async def drain(client: Client) -> None:
    with contextlib.suppress(TimeoutError):
        while True:
            await client.receive(timeout=1.0)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--slides", type=Path, default=ROOT / "bench", help="any folder: no slide is read"
    )
    args = parser.parse_args()
    print(
        f"{'setup':<34} {'followers':>9} {'p50 ms':>8} {'p99 ms':>8} {'msgs/s':>9}"
        f" {'CPU ms/move':>12}"
    )
    for processes in args.processes:
        setup = "1 process, in-memory layer" if processes == 1 else f"{processes} processes, Redis"
        with studio(args.slides, processes) as server:
            for followers in args.followers:
                latencies, rate, cpu = asyncio.run(run(server, followers, args.seconds))
                p50 = percentile(latencies, 0.5) * 1000
                p99 = percentile(latencies, 0.99) * 1000
                print(
                    f"{setup:<34} {followers:>9} {p50:>8.1f} {p99:>8.1f} {rate:>9.0f}"
                    f" {cpu * 1000:>12.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
