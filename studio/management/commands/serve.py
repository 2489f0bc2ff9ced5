"""Serve the studio with Daphne, optionally as several processes on one port.

Each process gets its own listening socket bound with SO_REUSEPORT, so the kernel spreads
connections evenly across them (a single shared socket lets one process take nearly all
keep-alive connections). Several processes need Redis (`REDIS_URL`) for the channel layer,
or collaboration messages would not cross processes. A worker that dies is started again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

WATCH_SECONDS = 0.5


class Command(BaseCommand):
    help = "Serve the studio with Daphne on HOST:PORT, with --workers processes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "several workers need REDIS_URL: the in-memory channel layer and cache "
                "cannot be shared between processes"
            )
        processes = [_start_worker(host, port) for _ in range(workers)]
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True
            for process in processes:
                process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # A worker that dies is replaced, so capacity does not silently shrink.
        while not stopping:
            for index, process in enumerate(processes):
                code = process.poll()
                if code is not None and not stopping:
                    self.stderr.write(
                        f"worker {index + 1} (pid {process.pid}) exited with code {code}; "
                        "starting a new one"
                    )
                    processes[index] = _start_worker(host, port)
                    self.stderr.write(f"worker {index + 1} is pid {processes[index].pid}")
            time.sleep(WATCH_SECONDS)
        for process in processes:
            process.wait()


def _start_worker(host: str, port: int) -> subprocess.Popen[bytes]:
    sock = bind(host, port)
    try:
        # Daphne with an access log that keeps secrets out (studio/server.py).
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "studio.server",
                "--fd",
                str(sock.fileno()),
                "studio.asgi:application",
            ],
            pass_fds=[sock.fileno()],
        )
    finally:
        sock.close()


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.listen(1024)
    os.set_inheritable(sock.fileno(), True)
    return sock
