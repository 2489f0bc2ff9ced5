"""`python manage.py find_duplicates [FOLDER] [--user U] [--no-scan]`: slides that exist
more than once (same fingerprint), with their locations, sizes and dates."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from pmacore.errors import TileServerError
from studio.duplicates import groups, scan
from studio.management.commands._annotation_user import principal_for


class Command(BaseCommand):
    help = "Scan the tile server's slides and list groups of slides sharing a fingerprint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", default="", help="default: every root")
        parser.add_argument("--user", help="who asks (default: the first superuser)")
        parser.add_argument(
            "--no-scan", action="store_true", help="list what the last scan found, scan nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_scan"]:
            started = time.perf_counter()
            try:
                result = scan(principal_for(options["user"]), options["folder"].strip("/"))
            except TileServerError as e:
                raise CommandError(e.message) from None
            self.stderr.write(
                f"Scanned {result.slides} slide(s) in {time.perf_counter() - started:.1f} s"
                + (f"; {len(result.unreadable)} unreadable" if result.unreadable else "")
            )
            for path in result.unreadable:
                self.stderr.write(f"  unreadable: {path}")
        found = groups()
        for group in found:
            self.stdout.write(f"{group[0].fingerprint} ({len(group)} copies)")
            for slide in group:
                self.stdout.write(
                    f"  {slide.path}\t{filesizeformat(slide.size)}\t"
                    f"{slide.last_modified:%Y-%m-%d %H:%M} UTC"
                )
        self.stderr.write(f"{len(found)} group(s) of duplicates")
