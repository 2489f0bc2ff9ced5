"""The studio's own records.

- Live sessions (the virtual multi-head microscope): what must survive a restart lives here
  (name, owner, flags, password hash, who drives); what moves many times a second
  (viewport, pointers, chat) lives in the cache and travels through the channel layer
  (studio/collaboration/).
- Known slides: where each fingerprint was last seen by a duplicate scan.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count
from django.utils import timezone

# Names appear in URLs (/ws/collaboration/<name>/, /live/<name>/): keep them URL-safe.
SESSION_NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"


class LiveSessionQuerySet(models.QuerySet["LiveSession"]):
    def live(self) -> LiveSessionQuerySet:
        return self.filter(ended_at__isnull=True)


class LiveSession(models.Model):
    name = models.CharField(
        max_length=64,
        unique=True,
        validators=[RegexValidator(f"^{SESSION_NAME_PATTERN}$", "Letters, digits, - and _.")],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    owner_nickname = models.CharField(max_length=40, blank=True)
    password = models.CharField(max_length=128, blank=True)
    everyone_in_control = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    # A participant id ("user:<pk>" or "guest:<id>"); empty means the owner drives.
    driver = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    @property
    def owner_participant(self) -> str:
        return f"user:{self.owner_id}"

    @property
    def current_driver(self) -> str:
        return self.driver or self.owner_participant

    def set_password(self, raw_password: str) -> None:
        """Hash and keep `raw_password`; an empty one removes the password."""
        self.password = make_password(raw_password) if raw_password else ""

    def check_password(self, raw_password: str) -> bool:
        if not self.password:
            return True
        return bool(raw_password) and check_password(raw_password, self.password)

    def may_drive(self, participant: str) -> bool:
        """Whether `participant` may move everyone's viewers and draw highlights. While
        the session is paused nobody does: everyone looks around on their own."""
        if self.paused or not self.is_live:
            return False
        return (
            self.everyone_in_control
            or participant == self.current_driver
            or participant == self.owner_participant
        )


class KnownSlideQuerySet(models.QuerySet["KnownSlide"]):
    def with_copies(self) -> KnownSlideQuerySet:
        """Slides whose fingerprint was seen at more than one path, copies side by side."""
        shared = (
            KnownSlide.objects.values("fingerprint")
            .annotate(places=Count("id"))
            .filter(places__gt=1)
            .values("fingerprint")
        )
        return self.filter(fingerprint__in=shared).order_by("fingerprint", "path")


class KnownSlide(models.Model):
    """A slide as the last duplicate scan saw it on the tile server (`find_duplicates`)."""

    path = models.CharField(max_length=1024, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(help_text="bytes, all files of the slide")
    last_modified = models.DateTimeField()
    seen_on = models.DateTimeField(default=timezone.now)

    objects = KnownSlideQuerySet.as_manager()

    class Meta:
        ordering = ("fingerprint", "path")

    def __str__(self) -> str:
        return self.path


class DuplicateSlide(KnownSlide):
    """The admin's view of KnownSlide: only slides that have copies, grouped."""

    class Meta:
        proxy = True
        verbose_name = "duplicate slide"


class CopyJob(models.Model):
    """Copying a folder of slides from one tile server to another (studio/copying/): each
    slide is downloaded, uploaded and its fingerprints compared on both sides. The job is
    run by a thread of a studio process (or `manage.py copy_slides`) that beats its
    `heartbeat`; a job whose heartbeat stopped is taken up again where it was."""

    QUEUED, RUNNING, DONE = "queued", "running", "done"
    STATES = [(QUEUED, "queued"), (RUNNING, "running"), (DONE, "done")]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copy_jobs"
    )
    source_server = models.CharField(max_length=64, default="studio")
    source_folder = models.CharField(max_length=1024)
    target_server = models.CharField(max_length=64)
    target_folder = models.CharField(max_length=1024)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    message = models.TextField(blank=True)  # why the whole job stopped, if it did
    created = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return (
            f"{self.source_server}:{self.source_folder} → {self.target_server}:{self.target_folder}"
        )


class CopyItem(models.Model):
    """One slide of a copy job and how its copy went."""

    PENDING, COPIED, FAILED = "pending", "copied", "failed"
    STATES = [(PENDING, "pending"), (COPIED, "copied and verified"), (FAILED, "failed")]

    job = models.ForeignKey(CopyJob, on_delete=models.CASCADE, related_name="items")
    slide = models.CharField(max_length=1024)  # path on the source server
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    target_path = models.CharField(max_length=1024, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["job", "slide"], name="one_item_per_slide")]

    def __str__(self) -> str:
        return f"{self.slide}: {self.state}"
