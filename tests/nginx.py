"""Debian's nginx started for a test or the benchmark: its own folder, port and config.

    front = Nginx(lambda port, folder: f"server {{ listen 127.0.0.1:{port}; ... }}", "/")
    requests.get(f"http://127.0.0.1:{front.port}/"); front.stop()

The http block's content comes from the caller; the rest (pid file, logs, nginx's own
temporary folders, two workers) lives in a temporary folder of its own. `make test` and
`make bench` install Debian's package when missing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    """Debian's nginx, two workers, with `http(port, folder)` as its http block's content and
    `files` ({URL path: bytes}) under `folder/root`; started once `ready` answers 200."""

    def __init__(
        self, http: Callable[[int, Path], str], ready: str, files: dict[str, bytes] | None = None
    ) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="studio-nginx-"))
        for path, body in (files or {}).items():
            file = self.dir / "root" / path.lstrip("/")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(body)
        for folder in [self.dir, *(p for p in self.dir.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)  # nginx's workers run as nobody when started by root
        self.port = free_port()
        config = self.dir / "nginx.conf"
        temp = " ".join(
            f"{kind}_temp_path {self.dir}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        config.write_text(
            f"""worker_processes 2;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    types {{ image/jpeg jpg; }}
    {temp}
    {http(self.port, self.dir)}
}}
"""
        )
        self.process = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(config), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        first = f"http://127.0.0.1:{self.port}{ready}"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if requests.get(first, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not serve {first}: see {self.dir}/error.log")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
