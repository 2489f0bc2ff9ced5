"""`manage.py make_demo_slides DIR`: synthetic Aperio slides for the demo and the tests,
and one of them again as a MIRAX slide of several files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from tileserver.lib.demo_mrxs import make_demo_mrxs
from tileserver.lib.demo_slides import make_demo_slides


class Command(BaseCommand):
    help = (
        "Write synthetic H&E whole-slide images (Aperio SVS: pyramid, thumbnail, label with "
        "barcode, macro) in nested folders under DIR, and one of them as a MIRAX slide "
        "(.mrxs with its data folder); existing slides are kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="where to write (created if missing)")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes")
        parser.add_argument(
            "--small", action="store_true", help="small slides (a few seconds, for tests)"
        )
        parser.add_argument("--force", action="store_true", help="rewrite existing slides")

    def handle(
        self, *args: Any, directory: Path, seed: int, small: bool, force: bool, **options: Any
    ) -> None:
        make_demo_slides(directory, seed=seed, small=small, force=force, log=self.stdout.write)
        make_demo_mrxs(directory, force=force, log=self.stdout.write)
