"""The development SECRET_KEY: random per installation, kept in VAR_DIR, never in the code.

A key in the repository would let anyone sign sessions and custom-panel tokens for a studio
started with `make run`; a key generated on first start and kept in `var/` signs for that
installation alone and survives restarts (sessions stay valid). Production sets SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"
KEY_BYTES = 50


def development_key(var_dir: Path) -> str:
    """The key in `var_dir/secret_key`, created (readable by its owner only) if missing."""
    path = Path(var_dir) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(KEY_BYTES)
    try:
        # O_EXCL: two processes starting at once keep the same key, whichever wrote it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = path.read_text().strip()
        if existing:
            return existing
        path.write_text(key)  # an empty file (an interrupted first start): fill it
        return key
    with os.fdopen(descriptor, "w") as out:
        out.write(key)
    return key
