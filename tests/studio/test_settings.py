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


def test_no_connections_to_the_tile_server_is_refused_at_start() -> None:
    result = manage("check", TILE_SERVER_CONNECTIONS="0")
    assert result.returncode != 0
    assert "TILE_SERVER_CONNECTIONS must be 1 or more" in result.stderr


def test_development_signs_with_a_random_key_kept_in_var(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "VAR_DIR")}
    show_key = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]

    def key(var_dir: Path) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *show_key],
            env={**environment, "DEBUG": "true", "VAR_DIR": str(var_dir)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    first = key(tmp_path / "one")
    assert first == key(tmp_path / "one")  # kept across restarts
    assert first != key(tmp_path / "two")  # every installation its own
    assert first == (tmp_path / "one" / "secret_key").read_text()
    assert first not in (ROOT / "studio" / "settings.py").read_text()
