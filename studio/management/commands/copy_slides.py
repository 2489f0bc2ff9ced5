"""`manage.py copy_slides SERVER:FOLDER SERVER:FOLDER --user NAME`: copy a folder of slides
from one tile server to another (e.g. nightly), verifying each by its fingerprints, and
list what happened to each slide; exits with 1 when any slide failed.
`manage.py copy_slides --resume` runs the jobs whose runner went away."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from studio.copying import jobs
from studio.copying.servers import server_names
from studio.models import CopyItem, CopyJob


def _place(value: str) -> tuple[str, str]:
    server, sep, folder = value.partition(":")
    if not sep or not folder.strip("/"):
        raise CommandError(f"{value!r}: write SERVER:FOLDER, e.g. studio:demo/breast")
    if server not in server_names():
        raise CommandError(f"No tile server {server!r}: {', '.join(server_names())}")
    return server, folder.strip("/")


class Command(BaseCommand):
    help = "Copy a folder of slides between tile servers, verifying each copy."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", nargs="?", help="SERVER:FOLDER to copy from")
        parser.add_argument("target", nargs="?", help="SERVER:FOLDER to copy into")
        parser.add_argument("--user", help="the admin the copy runs as (studio's own server)")
        parser.add_argument("--resume", action="store_true", help="run interrupted jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"]:
            waiting = CopyJob.objects.exclude(state=CopyJob.DONE).values_list("pk", flat=True)
            job_ids = [job_id for job_id in waiting if jobs.claim(job_id)]
        else:
            job_ids = [self._new_job(options).pk]
            jobs.claim(job_ids[0])
        problems = 0
        for job_id in job_ids:
            job = jobs.run(job_id, report=self._report)
            failed = job.items.filter(state=CopyItem.FAILED).count()
            copied = job.items.filter(state=CopyItem.COPIED).count()
            self.stdout.write(f"{job}: {copied} copied, {failed} failed. {job.message}".strip())
            problems += failed + (1 if job.message else 0)
        if problems:
            raise CommandError("Not everything could be copied (see above).", returncode=1)

    def _new_job(self, options: dict[str, Any]) -> CopyJob:
        if not options["source"] or not options["target"] or not options["user"]:
            raise CommandError("Give SOURCE, TARGET and --user (or --resume).")
        source_server, source_folder = _place(options["source"])
        target_server, target_folder = _place(options["target"])
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        return CopyJob.objects.create(
            created_by=user,
            source_server=source_server,
            source_folder=source_folder,
            target_server=target_server,
            target_folder=target_folder,
        )

    def _report(self, item: CopyItem) -> None:
        if item.state == CopyItem.COPIED:
            self.stdout.write(f"copied  {item.slide} → {item.target_path} ({item.fingerprint})")
        else:
            self.stdout.write(f"FAILED  {item.slide}: {item.message}")
