"""Running copy jobs: list the source folder's slides (once, into items), then copy the
pending ones in order, beating the job's heartbeat. Whoever runs a job first claims it (an
UPDATE that only one caller wins), so a job is never run twice at once; a job whose
heartbeat has stopped (its studio process ended) is claimed again and goes on with the
slides not yet copied."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from pmacore.errors import TileServerError
from studio.copying.copy import CopyFailed, copy_slide, target_folder_for
from studio.copying.servers import Endpoint, connect
from studio.lib import background
from studio.models import CopyItem, CopyJob

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
STALE_SECONDS = 60  # a running job without a heartbeat for this long is taken up again
_threads: dict[int, threading.Thread] = {}


def claim(job_id: int) -> bool:
    """Take the job to run it: queued, or running without a recent heartbeat."""
    now = timezone.now()
    stale = now - timedelta(seconds=STALE_SECONDS)
    runnable = Q(state=CopyJob.QUEUED) | Q(state=CopyJob.RUNNING, heartbeat__lt=stale)
    runnable |= Q(state=CopyJob.RUNNING, heartbeat__isnull=True)
    taken = CopyJob.objects.filter(runnable, pk=job_id).update(state=CopyJob.RUNNING, heartbeat=now)
    return taken == 1


def run(job_id: int, report: Callable[[CopyItem], object] = lambda item: None) -> CopyJob:
    """Run a claimed job to its end; `report` hears of each slide as it is done."""
    job = CopyJob.objects.select_related("created_by").get(pk=job_id)
    try:
        source = connect(job.source_server, job.created_by)
        target = connect(job.target_server, job.created_by)
        if not job.items.exists():
            _list_slides(job, source)
        for item in job.items.filter(state=CopyItem.PENDING):
            _copy(job, item, source, target)
            report(item)
    except TileServerError as e:
        job.message = f"The copy stopped: {e.message}"
    job.state = CopyJob.DONE
    job.finished = timezone.now()
    job.save(update_fields=["state", "finished", "message"])
    return job


def _list_slides(job: CopyJob, source: Endpoint) -> None:
    pending = [job.source_folder.strip("/")]
    slides: list[str] = []
    while pending:
        folder = pending.pop(0)
        slides += source.client.slides(source.session_id, folder)
        pending += source.client.directories(source.session_id, folder)
    CopyItem.objects.bulk_create([CopyItem(job=job, slide=slide) for slide in slides])


def _copy(job: CopyJob, item: CopyItem, source: Endpoint, target: Endpoint) -> None:
    folder = target_folder_for(item.slide, job.source_folder.strip("/"), job.target_folder)
    try:
        copied = copy_slide(source, target, item.slide, folder)
    except CopyFailed as e:
        item.state, item.message = CopyItem.FAILED, str(e)
    else:
        item.state, item.target_path = CopyItem.COPIED, copied.path
        item.fingerprint, item.size = copied.fingerprint, copied.size
    item.save()
    CopyJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now())


def start_in_background(job_id: int) -> bool:
    """Claim the job and run it on a thread of this process; False if someone else has it."""
    if not claim(job_id):
        return False
    _threads[job_id] = background.start("copy-job", _run_in_thread, job_id)
    return True


def _run_in_thread(job_id: int) -> None:
    beating = threading.Event()
    background.start("copy-job-heartbeat", _beat, job_id, beating)
    try:
        run(job_id)
    except Exception:
        logger.exception("copy job %s failed", job_id)
        CopyJob.objects.filter(pk=job_id).update(
            state=CopyJob.DONE, finished=timezone.now(), message="The copy failed unexpectedly."
        )
    finally:
        beating.set()


def _beat(job_id: int, stop: threading.Event) -> None:
    """Keep the heartbeat going while one slide takes long."""
    while not stop.wait(HEARTBEAT_SECONDS):
        CopyJob.objects.filter(pk=job_id, state=CopyJob.RUNNING).update(heartbeat=timezone.now())


def resume_stale() -> list[int]:
    """Start every job that waits or whose runner went away (after a studio restart)."""
    stale = timezone.now() - timedelta(seconds=STALE_SECONDS)
    waiting = CopyJob.objects.filter(
        Q(state=CopyJob.QUEUED)
        | Q(state=CopyJob.RUNNING, heartbeat__lt=stale)
        | Q(state=CopyJob.RUNNING, heartbeat__isnull=True)
    ).values_list("pk", flat=True)
    return [job_id for job_id in waiting if start_in_background(job_id)]


def wait_for(job_id: int, timeout: float | None = None) -> None:
    """Wait for this process's thread running the job (tests, the command)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)
