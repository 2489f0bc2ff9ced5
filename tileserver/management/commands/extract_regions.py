"""`python manage.py extract_regions SLIDE [SLIDE ...] [--annotation ID ...] [--class NAME]`:
annotated regions at full resolution, each as a slide of its own under `regions/`.

Every annotation of each slide, or only those given by id or class. For batch work (many
slides, overnight); the studio starts the same from the annotations panel.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmacore.errors import TileServerError
from tileserver import annotations, regions


class Command(BaseCommand):
    help = "Write annotated regions of slides as slides of their own (pyramidal tiled JPEG TIFF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slides", nargs="+", help="virtual paths or UIDs")
        parser.add_argument("--annotation", type=int, action="append", help="only these ids")
        parser.add_argument("--class", dest="classification", help="only annotations of this class")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for slide in options["slides"]:
            try:
                chosen = self._chosen(slide, options["annotation"], options["classification"])
                if not chosen:
                    self.stderr.write(f"{slide}: no annotation to extract")
                    continue
                written = regions.extract_annotations(slide, chosen, progress=self._progress(slide))
            except TileServerError as e:
                self.stderr.write(f"\n{slide}: {e.message}")
                failed += 1
                continue
            self.stderr.write("")
            for path in written:
                self.stdout.write(path)
        if failed:
            raise CommandError(f"{failed} slide(s) failed")

    def _chosen(self, slide: str, ids: list[int] | None, classification: str | None) -> list[Any]:
        found = annotations.for_slide(slide)
        if ids:
            missing = set(ids) - {item.id for item in found}
            if missing:
                raise CommandError(f"{slide}: no annotation {', '.join(map(str, sorted(missing)))}")
            found = [item for item in found if item.id in ids]
        if classification is not None:
            found = [item for item in found if item.classification == classification]
        return found

    def _progress(self, slide: str) -> Any:
        def report(done: int, total: int) -> None:
            if done == total or done % 200 == 0:
                self.stderr.write(f"\r{slide}: {done}/{total} tiles", ending="")
                self.stderr.flush()

        return report
