"""Copying a folder of slides from the studio's tile server to another one (a live process
of this project): the command for nightly runs, the admin's background job, and a job
taken up again after its studio process went away."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from studio.copying import jobs
from studio.models import CopyItem, CopyJob
from tests.live_server import LiveTileServer
from tests.tileserver.transfer_fixtures import (
    SVS,
    transfer_server,
    transfer_slides_dir,
    tree_bytes,
)

__all__ = ["transfer_server", "transfer_slides_dir"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.own_tile_server]


@pytest.fixture
def source_dir(
    tmp_path: Path,
    settings: Settings,
    transfer_slides_dir: Path,
    transfer_server: LiveTileServer,
) -> Path:
    """The studio's own (embedded) slides: a folder with a slide, a MIRAX slide in a
    sub-folder and a damaged file; the other tile server is configured as "archive"."""
    batch = tmp_path / "src" / "batch"
    (batch / "sub").mkdir(parents=True)
    shutil.copyfile(transfer_slides_dir / SVS, batch / "a.svs")
    shutil.copytree(transfer_slides_dir / "lab" / "mrxs", batch / "sub", dirs_exist_ok=True)
    (batch / "broken.svs").write_bytes(b"II*\x00" + b"\x00" * 2000)  # a TIFF header, no slide
    settings.SLIDES_DIR = tmp_path
    settings.TILE_SERVER_URL = ""
    settings.TILE_SERVERS = {
        "archive": {
            "url": transfer_server.url,
            "username": transfer_server.username,
            "password": transfer_server.password,
        }
    }
    return tmp_path


@pytest.fixture
def boss(django_user_model: type[AbstractUser], fast_hashers: None) -> AbstractUser:
    return django_user_model.objects.create_superuser("boss", password="copy-slides-42")


def test_the_command_copies_verifies_and_reports_the_damaged_file(
    source_dir: Path, transfer_slides_dir: Path, boss: AbstractUser
) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "copy_slides", "studio:src/batch", "archive:lab/nightly", "--user", "boss", stdout=out
        )
    assert failed.value.returncode == 1
    report = out.getvalue()
    assert "copied  src/batch/a.svs → lab/nightly/a.svs" in report
    assert "copied  src/batch/sub/slide.mrxs → lab/nightly/sub/slide.mrxs" in report
    assert "FAILED  src/batch/broken.svs: lab/nightly/broken.svs is not a slide" in report
    assert "2 copied, 1 failed" in report

    archive = transfer_slides_dir / "lab" / "nightly"
    assert (archive / "a.svs").read_bytes() == (source_dir / "src/batch/a.svs").read_bytes()
    assert tree_bytes(archive / "sub") == tree_bytes(source_dir / "src/batch/sub")
    assert not (archive / "broken.svs").exists()
    job = CopyJob.objects.get()
    assert job.state == CopyJob.DONE
    fingerprints = dict(job.items.values_list("slide", "fingerprint"))
    assert fingerprints["src/batch/a.svs"] and fingerprints["src/batch/sub/slide.mrxs"]


def test_a_job_whose_runner_went_away_goes_on_where_it_was(
    source_dir: Path, transfer_slides_dir: Path, boss: AbstractUser
) -> None:
    gone = timezone.now() - timezone.timedelta(seconds=jobs.STALE_SECONDS + 5)
    job = CopyJob.objects.create(
        created_by=boss,
        source_server="studio",
        source_folder="src/batch",
        target_server="archive",
        target_folder="lab/resumed",
        state=CopyJob.RUNNING,
        heartbeat=gone,
    )
    # Before its process ended, the job had listed its slides and copied the first.
    CopyItem.objects.create(job=job, slide="src/batch/a.svs", state=CopyItem.COPIED)
    CopyItem.objects.create(job=job, slide="src/batch/sub/slide.mrxs")

    assert jobs.resume_stale() == [job.pk]
    assert jobs.resume_stale() == []  # claimed: nobody runs it twice
    jobs.wait_for(job.pk, timeout=120)

    job.refresh_from_db()
    assert job.state == CopyJob.DONE
    states = dict(job.items.values_list("slide", "state"))
    assert states == {"src/batch/a.svs": "copied", "src/batch/sub/slide.mrxs": "copied"}
    assert not (transfer_slides_dir / "lab/resumed/a.svs").exists()  # not copied again
    assert (transfer_slides_dir / "lab/resumed/sub/slide.mrxs").exists()


def test_an_admin_starts_a_copy_and_watches_it(
    source_dir: Path, transfer_slides_dir: Path, boss: AbstractUser
) -> None:
    client = Client()
    client.force_login(boss)
    form = client.get("/admin/studio/copyjob/add/").content.decode()
    assert '<option value="archive">' in form and '<option value="studio">' in form

    response = client.post(
        "/admin/studio/copyjob/add/",
        {
            "source_server": "studio",
            "source_folder": "src/batch/sub",
            "target_server": "archive",
            "target_folder": "lab/from-admin",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = CopyJob.objects.get()
    jobs.wait_for(job.pk, timeout=120)

    listing = client.get("/admin/studio/copyjob/").content.decode()
    assert "1 of 1 done: 1 copied" in listing
    assert (transfer_slides_dir / "lab/from-admin/slide.mrxs").exists()
    page = client.get(f"/admin/studio/copyjob/{job.pk}/change/").content.decode()
    assert "copied and verified" in page
