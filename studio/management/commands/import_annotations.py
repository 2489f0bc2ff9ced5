"""`python manage.py import_annotations SLIDE FILE [--format F]`: all of a file's annotations
onto a slide, or none (batch work, e.g. the results of an AI model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmacore.errors import TileServerError
from pmacore.formats import FORMATS
from studio.annotation_files import read_upload, save_upload
from studio.management.commands._annotation_user import principal_for


class Command(BaseCommand):
    help = "Import annotations from a file onto a slide (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slide", help="virtual path or UID of the slide")
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: detected")
        parser.add_argument("--user", help="who imports them (default: the first superuser)")
        parser.add_argument("--dry-run", action="store_true", help="read and count only")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(f"{path}: {e.strerror}") from None
        try:
            upload = read_upload(data, path.name, options["format"] or "")
            for name, count in upload.classes():
                self.stdout.write(f"{count:8d}  {name or '(no class)'}")
            if options["dry_run"]:
                return
            ids = save_upload(principal_for(options["user"]), options["slide"], upload)
        except TileServerError as e:
            raise CommandError(e.message) from None
        self.stdout.write(
            f"Imported {len(ids)} annotations ({upload.format}) onto {options['slide']}"
        )
