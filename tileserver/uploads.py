"""Slides coming in through `transfer/Upload`: announce, send each file, finish.

1. `start`: the header names the target folder (below a root directory; missing sub-folders
   are made at the end) and every file with its length, the main file first. Checked at
   once: the user's right to upload (`tileserver.upload_slides`), paths, the size limit
   (UPLOAD_MAX_BYTES), that the main file is a slide file and that nothing would be
   overwritten.
2. `receive`: one file, into the upload's hidden staging folder; its length must be the
   announced one. Sending a file again replaces it, so an interrupted upload is resumed by
   sending what is missing.
3. `finish`: every file must be there. The slide is opened where it was staged (a file that
   is not a slide is refused, and the upload removed), moved into place main file last, and
   its fingerprint checked again there.

Unfinished uploads older than UPLOAD_STALE_SECONDS are removed whenever an upload starts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from pmacore.errors import (
    AlreadyExists,
    BadPath,
    BadRequest,
    BodyTooLarge,
    NotAllowed,
    UnreadableSlide,
    UploadNotFound,
)
from pmacore.wire import TRUE_WORDS, folder_path
from tileserver import engine
from tileserver import slides as slide_io
from tileserver.lib import paths
from tileserver.lib import upload_staging as staging
from tileserver.models import SlideUpload

UPLOAD_PERMISSION = "tileserver.upload_slides"
MAX_FILES = 10_000
# Finished uploads are kept this many times UPLOAD_STALE_SECONDS, for the admin's record.
FINISHED_KEPT = 30


def _root() -> Path:
    return paths.resolved_root(Path(settings.SLIDES_DIR))


def can_upload(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.has_perm(UPLOAD_PERMISSION))


def start(user: AbstractBaseUser, folder: str, files: Any) -> SlideUpload:
    if not can_upload(user):
        raise NotAllowed(
            f"{user.get_username()} may not upload slides: an administrator grants "
            "the permission 'Can upload slides to the tile server'."
        )
    clean_stale()
    target = target_folder(folder)
    announced = announced_files(files)
    total = sum(length for _, length in announced)
    if total > settings.UPLOAD_MAX_BYTES:
        raise BodyTooLarge(
            f"The slide has {total:,} bytes; uploads are limited to "
            f"{settings.UPLOAD_MAX_BYTES:,} bytes (UPLOAD_MAX_BYTES)."
        )
    real_target = paths.real_path(_root(), target, folder=True)
    for relative, _ in announced:
        if staging.file_in(real_target, relative).exists():
            raise AlreadyExists(f"{paths.join(target, relative)} exists already.")
    return SlideUpload.objects.create(
        user=user,
        folder=target,
        files=[{"path": relative, "length": length} for relative, length in announced],
    )


def target_folder(value: str) -> str:
    """The virtual target folder: inside an existing root directory, nothing hidden."""
    virtual = paths.clean_virtual(folder_path(value), folder=True)
    if not virtual:
        raise BadPath("Upload into a folder of a root directory, not into the top level.")
    _refuse_hidden(virtual)
    root = _root()
    paths.folder(root, virtual.split("/")[0])  # the root directory must exist
    real = paths.real_path(root, virtual, folder=True)
    if real.exists() and not real.is_dir():
        raise BadPath(f"{virtual} is a file, not a folder.")
    return virtual


def announced_files(files: Any) -> list[tuple[str, int]]:
    """(relative path, length) of each announced file, the main file first."""
    if not isinstance(files, list) or not files:
        raise BadRequest("The upload header must list the slide's files.")
    if len(files) > MAX_FILES:
        raise BadRequest(f"At most {MAX_FILES} files per slide.")
    announced: list[tuple[str, int, bool]] = []
    for item in files:
        if not isinstance(item, dict):
            raise BadRequest("Each file of the header must be an object with path and length.")
        keys = {str(key).lower(): value for key, value in item.items()}
        relative = relative_path(str(keys.get("path") or ""))
        length = keys.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise BadRequest(f"{relative}: the length must be a whole number of bytes.")
        is_main = keys.get("ismain")
        main = is_main is True or str(is_main).lower() in TRUE_WORDS
        announced.append((relative, length, main))
    names = [relative.lower() for relative, _, _ in announced]
    if len(set(names)) != len(names):
        raise BadRequest("The header names a file twice.")
    mains = [entry for entry in announced if entry[2]] or announced[:1]
    main = mains[0]
    ordered = [main, *(entry for entry in announced if entry is not main)]
    main_name = main[0]
    if "/" in main_name:
        raise BadRequest(f"The main file {main_name} must lie directly in the target folder.")
    if not slide_io.is_slide_name(main_name):
        known = ", ".join(sorted(slide_io.SLIDE_EXTENSIONS))
        raise UnreadableSlide(
            f"{main_name} is not a slide file: the main file must end in one of {known}."
        )
    return [(relative, length) for relative, length, _ in ordered]


def relative_path(value: str) -> str:
    relative = paths.clean_virtual(value.replace("\\", "/").strip("/"))
    if not relative:
        raise BadPath("A file of the upload has no path.")
    _refuse_hidden(relative)
    return relative


def _refuse_hidden(virtual: str) -> None:
    if any(segment.startswith(".") for segment in virtual.split("/")):
        raise BadPath(f"Names starting with '.' are not allowed: {virtual!r}.")


def _own(user: AbstractBaseUser, upload_id: int) -> SlideUpload:
    upload = SlideUpload.objects.filter(pk=upload_id, user=user).first()
    if upload is None:
        raise UploadNotFound(f"There is no upload {upload_id} of yours.")
    return upload


def receive(user: AbstractBaseUser, upload_id: int, relative: str, source: BinaryIO) -> int:
    """Stage one announced file; the bytes written."""
    upload = _own(user, upload_id)
    if upload.finished:
        raise AlreadyExists(f"Upload {upload_id} is finished: start a new one.")
    relative = relative_path(relative)
    lengths = {item["path"]: int(item["length"]) for item in upload.files}
    if relative not in lengths:
        raise BadRequest(f"{relative} was not announced in the header of upload {upload_id}.")
    folder = staging.staging_dir(_root(), upload.pk)
    written = staging.write_part(folder, relative, source)
    if written != lengths[relative]:
        staging.file_in(folder, relative).unlink(missing_ok=True)
        raise BadRequest(
            f"{relative}: {written:,} bytes arrived, the header announced {lengths[relative]:,}."
        )
    return written


def missing_files(upload: SlideUpload) -> list[str]:
    folder = staging.staging_dir(_root(), upload.pk)
    return [
        item["path"]
        for item in upload.files
        if staging.staged_size(folder, item["path"]) != int(item["length"])
    ]


def finish(user: AbstractBaseUser, upload_id: int) -> SlideUpload:
    """Check, place and verify the slide; finishing twice answers the same."""
    upload = _own(user, upload_id)
    if upload.finished:
        return upload
    missing = missing_files(upload)
    if missing:
        raise BadRequest(
            f"Upload {upload_id} is missing {', '.join(missing)}: send them, then finish again."
        )
    root = _root()
    claimed = staging.claim(staging.staging_dir(root, upload.pk))
    slide_path = paths.join(upload.folder, upload.main_file)
    try:
        fingerprint = _staged_fingerprint(claimed / upload.main_file, slide_path)
        target = paths.real_path(root, upload.folder, folder=True)
        relatives = [item["path"] for item in upload.files]
        placed = staging.publish(claimed, target, relatives, root)
        try:
            if engine.fingerprint(slide_path) != fingerprint:
                raise UnreadableSlide(f"{slide_path} changed while it was put in place.")
        except BaseException:
            staging.unplace(placed)
            raise
    except (UnreadableSlide, AlreadyExists, BadPath):
        upload.delete()
        raise
    finally:
        staging.remove(claimed)
    upload.finished = timezone.now()
    upload.slide_path = slide_path
    upload.fingerprint = fingerprint
    upload.save(update_fields=["finished", "slide_path", "fingerprint"])
    return upload


def _staged_fingerprint(main: Path, slide_path: str) -> str:
    try:
        opened = slide_io.open_slide(main, slide_path)
        return opened.fingerprint()
    except UnreadableSlide as e:
        raise UnreadableSlide(
            f"{slide_path} is not a slide the tile server can read, so the upload was "
            f"removed. ({e.message})"
        ) from None
    finally:
        slide_io.forget(main)


def clean_stale() -> int:
    """Remove unfinished uploads (and their staged files) older than UPLOAD_STALE_SECONDS,
    and staging folders no upload owns any more; the number of uploads removed."""
    stale_seconds = settings.UPLOAD_STALE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale_seconds)
    root = _root()
    stale = SlideUpload.objects.filter(finished__isnull=True, created__lt=cutoff)
    removed = 0
    for upload in stale:
        staging.remove(staging.staging_dir(root, upload.pk))
        upload.delete()
        removed += 1
    SlideUpload.objects.filter(
        finished__lt=timezone.now() - timedelta(seconds=stale_seconds * FINISHED_KEPT)
    ).delete()
    live = {
        str(pk)
        for pk in SlideUpload.objects.filter(finished__isnull=True).values_list("pk", flat=True)
    }
    for folder in staging.stale_folders(root, stale_seconds):
        if folder.name not in live:
            staging.remove(folder)
    return removed
