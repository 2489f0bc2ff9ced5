"""Run tests against the scale-out engines: a real PostgreSQL and a real Redis, started here.

    python -m tests.scale_out [pytest arguments]

Starts a PostgreSQL cluster (initdb in a temporary folder; as the `postgres` user when run
as root, since PostgreSQL refuses to run as root) and a redis-server, each on a free port
of 127.0.0.1, then runs pytest with DATABASE_URL and REDIS_URL pointing at them and
`--scale-out`, and stops both. The exit status is pytest's. Debian's `postgresql` and
`redis-server` packages provide the programs (`make test` installs them when missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for directory in versions:
        if (directory / name).exists():
            return str(directory / name)
    raise SystemExit(f"{name} not found: install Debian's postgresql package")


def as_postgres_user() -> list[str]:
    """PostgreSQL will not run as root: run its programs as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def postgresql(workdir: Path) -> Iterator[str]:
    data, sockets = workdir / "pgdata", workdir / "pgsock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(sockets, "postgres")
    run_as = as_postgres_user()
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    subprocess.run(
        [
            *run_as,
            postgres_bin("initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = workdir / "postgresql.log"
    subprocess.run(
        [
            *run_as,
            postgres_bin("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(log),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgres://{user}@127.0.0.1:{port}/studio"
    finally:
        subprocess.run(
            [*run_as, postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )


@contextmanager
def redis() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server not found: install Debian's redis-server package")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(pytest_args: list[str]) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="studio-scale-out-"))
    try:
        with postgresql(workdir) as database_url, redis() as redis_url:
            env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
            print(f"scale-out engines: {database_url}, {redis_url}", flush=True)
            command = [
                sys.executable,
                *("-m", "pytest", "-p", "tests.redis_per_worker", "--scale-out"),
                *pytest_args,
            ]
            return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
