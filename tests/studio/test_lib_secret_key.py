from __future__ import annotations

import stat
from pathlib import Path

from studio.lib.secret_key import development_key


def test_it_creates_a_random_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = development_key(tmp_path / "var")
    assert len(key) >= 50
    mode = stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_it_keeps_the_key_across_starts(tmp_path: Path) -> None:
    assert development_key(tmp_path) == development_key(tmp_path)


def test_each_installation_has_its_own_key(tmp_path: Path) -> None:
    assert development_key(tmp_path / "a") != development_key(tmp_path / "b")


def test_an_empty_key_file_is_filled(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    key = development_key(tmp_path)
    assert key and (tmp_path / "secret_key").read_text() == key
