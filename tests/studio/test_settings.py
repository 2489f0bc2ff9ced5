"""Settings come from the environment: production values pass Django's deploy checks, and
bad values stop the process with a clear message."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="studio.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_with_the_development_key() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env={**environment, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_a_tile_server_url_that_is_not_http_is_refused_at_start() -> None:
    result = manage("check", TILE_SERVER_URL="ftp://tiles.example.org/")
    assert result.returncode != 0
    assert "TILE_SERVER_URL" in result.stderr
