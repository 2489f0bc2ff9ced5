"""The files of uploads on their way in: a hidden staging folder per upload inside the
slides root (`.uploads/<id>/`, invisible to browsing, on the same file system as the
target so a file moves with a link), and the move into place.

Nothing is ever overwritten: a file is linked to its new name, which fails if the name is
taken. The main file goes last, so the slide appears only once all its files are there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pmacore.errors import AlreadyExists, BadPath

STAGING_FOLDER = ".uploads"
FINISHING_SUFFIX = ".finishing"
COPY_CHUNK = 1024 * 1024


def staging_root(root: Path) -> Path:
    return root / STAGING_FOLDER


def staging_dir(root: Path, upload_id: int) -> Path:
    return staging_root(root) / str(upload_id)


def file_in(folder: Path, relative: str) -> Path:
    return folder.joinpath(*relative.split("/"))


def write_part(folder: Path, relative: str, source: BinaryIO) -> int:
    """Copy `source` to `relative` below the staging `folder` (a complete file or none:
    written under a temporary name first); the number of bytes written."""
    target = file_in(folder, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
    try:
        with temporary.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target.stat().st_size


def staged_size(folder: Path, relative: str) -> int | None:
    try:
        return file_in(folder, relative).stat().st_size
    except OSError:
        return None


def claim(folder: Path) -> Path:
    """Rename the staging folder for finishing: only one finisher wins the rename."""
    claimed = folder.with_name(folder.name + FINISHING_SUFFIX)
    try:
        folder.rename(claimed)
    except FileNotFoundError:
        raise AlreadyExists("This upload is already being finished.") from None
    return claimed


def publish(staged: Path, target: Path, relatives: list[str], root: Path) -> list[Path]:
    """Move every staged file to the same relative place below `target`, the first of
    `relatives` (the main file) last; undone entirely if any place is taken."""
    placed: list[Path] = []
    created: list[Path] = []
    try:
        for relative in [*relatives[1:], relatives[0]]:
            destination = file_in(target, relative)
            created += _make_folders(destination.parent)
            if not destination.parent.resolve().is_relative_to(root):
                raise BadPath(f"{relative} would land outside the slides folder.")
            _place(file_in(staged, relative), destination, relative)
            placed.append(destination)
    except BaseException:
        unplace(placed, created)
        raise
    return placed


def unplace(files: Iterable[Path], folders: Iterable[Path] = ()) -> None:
    for path in reversed(list(files)):
        path.unlink(missing_ok=True)
    for folder in reversed(list(folders)):
        with contextlib.suppress(OSError):  # not empty: someone else's files are there
            folder.rmdir()


def _make_folders(folder: Path) -> list[Path]:
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _place(source: Path, destination: Path, relative: str) -> None:
    try:
        try:
            os.link(source, destination)
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
            # Another file system (a root directory that is a link elsewhere): copy beside
            # the destination under a hidden name, then link that.
            hidden = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.part")
            shutil.copyfile(source, hidden)
            try:
                os.link(hidden, destination)
            finally:
                hidden.unlink(missing_ok=True)
    except FileExistsError:
        raise AlreadyExists(f"{relative} exists already in the target folder.") from None


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def stale_folders(root: Path, older_than_seconds: float) -> list[Path]:
    """Staging folders untouched for longer than the given time."""
    staging = staging_root(root)
    if not staging.is_dir():
        return []
    cutoff = time.time() - older_than_seconds
    stale = []
    for entry in staging.iterdir():
        try:
            if entry.is_dir() and _latest_change(entry) < cutoff:
                stale.append(entry)
        except OSError:
            continue
    return stale


def _latest_change(folder: Path) -> float:
    times = [folder.stat().st_mtime]
    times += [path.stat().st_mtime for path in folder.rglob("*")]
    return max(times)
