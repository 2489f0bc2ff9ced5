"""The cycle collector's tuning (studio/lib/collector.py), as a studio process gets it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests import collector_app

ROOT = Path(__file__).resolve().parents[2]
APP = "tests.collector_app:application"

PROGRAM = """
import gc
from studio.lib.collector import collect_less_often, set_startup_aside
startup = [[n] for n in range(50_000)]
garbage = []
garbage.append(garbage)  # a cycle that startup left behind
del garbage
collect_less_often()
set_startup_aside()
frozen = gc.get_freeze_count()
later = []
later.append(later)
del later
print(gc.get_threshold()[0], frozen, gc.collect())
"""


def test_startup_is_set_aside_and_later_cycles_are_still_collected() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, check=True
    )
    young, frozen, collected = (int(n) for n in done.stdout.split())
    assert young == 10_000
    assert frozen >= 50_000
    assert collected >= 1  # a cycle made after startup


def test_a_studio_server_process_runs_with_the_tuning() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "studio.server", "-b", "127.0.0.1", "-p", str(port), APP],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        state = _first_answer(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert state["young_threshold"] == 10_000
    # What the application loaded before the server ran is set aside too.
    assert state["frozen"] >= len(collector_app.LOADED_WITH_THE_APP)


def _first_answer(url: str) -> dict:
    deadline = time.monotonic() + 30
    while True:
        try:
            return requests.get(url, timeout=5).json()
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
