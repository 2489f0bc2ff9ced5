"""`python manage.py export_annotations SLIDE --format F [-o FILE]`: a slide's annotations
as a file (standard output without -o)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmacore.errors import TileServerError
from pmacore.formats import WRITABLE
from studio.annotation_files import export
from studio.management.commands._annotation_user import principal_for


class Command(BaseCommand):
    help = "Export a slide's annotations to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slide", help="virtual path or UID of the slide")
        parser.add_argument("--format", choices=sorted(WRITABLE), required=True)
        parser.add_argument("-o", "--output", type=Path, help="default: standard output")
        parser.add_argument("--user", help="who asks (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = export(principal_for(options["user"]), options["slide"], options["format"])
        except TileServerError as e:
            raise CommandError(e.message) from None
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(result.data.decode(), ending="")
        else:
            output.write_bytes(result.data)
            self.stderr.write(f"Wrote {output}")
