"""Share links: a token-addressed view of a slide, a folder or a grid, and their access log."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sharing.lib.paths import is_clean_path, is_inside

# 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43
MAX_GRID_CELLS = 64


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class _Keep:
    """Marks an option of `Share.recycle` that is copied from the old link."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self, now: datetime | None = None) -> ShareQuerySet:
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), suspended=False)

    def suspended(self, now: datetime | None = None) -> ShareQuerySet:
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), suspended=True)

    def expired(self, now: datetime | None = None) -> ShareQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())

    def in_state(self, state: str, now: datetime | None = None) -> ShareQuerySet:
        by_state = {
            Share.State.ACTIVE: self.active,
            Share.State.SUSPENDED: self.suspended,
            Share.State.EXPIRED: self.expired,
        }
        return by_state[Share.State(state)](now)

    def owned_by(self, user: Any) -> ShareQuerySet:
        return self.filter(owner=user)


class Share(models.Model):
    """A link that shows one slide, the slides of one folder, or a grid of slides.

    `path` is the slide or folder path (empty for a grid); a grid keeps
    `{"slides": [...], "rows": r, "columns": c, "sync": bool}` in `grid`. When a slide of a
    slide or grid link has moved, the link follows it there and a `ShareMove` says so.
    Expiry wins over suspension: a suspended link that has expired is expired.
    """

    class Kind(models.TextChoices):
        SLIDE = "slide", "Slide"
        FOLDER = "folder", "Folder"
        GRID = "grid", "Grid"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    path = models.CharField(max_length=1024, blank=True)
    grid = models.JSONField(default=dict, blank=True)
    # The fingerprint of each slide of `slide_paths` when the link was made ("" unknown): a
    # slide moved or renamed inside the slides root is found again by it (relocation.py).
    fingerprints = models.JSONField(default=list, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    password = models.CharField(max_length=128, blank=True, help_text="Password hash.")
    expires_at = models.DateTimeField(null=True, blank=True)
    include_annotations = models.BooleanField(default=False)
    # Label and macro images carry the barcode and often the patient's name: opt in.
    include_label_and_macro = models.BooleanField("include label and macro images", default=False)
    label = models.CharField(max_length=200, blank=True)
    suspended = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    visits = models.PositiveIntegerField(default=0, editable=False)
    last_visit = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["owner", "-created"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_display()}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:open", args=[self.token])

    # -- target -----------------------------------------------------------------------

    @property
    def slide_paths(self) -> list[str]:
        """The slides a slide or grid link names; empty for a folder (ask the tile server)."""
        if self.kind == Share.Kind.SLIDE:
            return [self.path]
        if self.kind == Share.Kind.GRID:
            return list(self.grid.get("slides", []))
        return []

    def fingerprint_of(self, index: int) -> str:
        """The fingerprint the slide at `slide_paths[index]` had when the link was made."""
        fingerprints = self.fingerprints if isinstance(self.fingerprints, list) else []
        return str(fingerprints[index] or "") if index < len(fingerprints) else ""

    def fingerprints_for(self, paths: list[str]) -> list[str]:
        """The link's fingerprints once its slides are `paths` (an admin's edit): a slide it
        keeps keeps its own, another has none until it is first shown (do_note_fingerprint),
        so that the link never looks for a slide it no longer names."""
        known = {path: self.fingerprint_of(i) for i, path in enumerate(self.slide_paths)}
        fingerprints = [known.get(path, "") for path in paths]
        return fingerprints if any(fingerprints) else []

    def target_display(self, limit: int = 60) -> str:
        if self.kind == Share.Kind.GRID:
            slides = self.slide_paths
            text = f"{len(slides)} slides: " + ", ".join(p.rsplit("/", 1)[-1] for p in slides)
        else:
            text = self.path
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def covers(self, slide_path: str) -> bool:
        """Whether this link may show the slide at `slide_path` (a virtual path, not a UID)."""
        if not is_clean_path(slide_path):
            return False
        if self.kind == Share.Kind.FOLDER:
            return is_inside(self.path, slide_path)
        return slide_path in self.slide_paths

    # Share pages never show a slide's internal path (its root and folders may name a
    # patient or a study): they name a slide by its position in a slide or grid link, or
    # by its path below the shared folder in a folder link.

    def slide_ref(self, slide_path: str) -> str:
        """How the share's pages and image URLs name the covered slide `slide_path`."""
        if self.kind == Share.Kind.FOLDER:
            return slide_path.removeprefix(self.path + "/")
        return str(self.slide_paths.index(slide_path))

    def slide_for(self, ref: str) -> str | None:
        """The internal path of the slide `ref` names, or None if it names none of ours."""
        if self.kind == Share.Kind.FOLDER:
            return self.folder_for(ref) if ref else None
        paths = self.slide_paths
        if ref.isdecimal() and len(ref) <= 3 and int(ref) < len(paths):
            return paths[int(ref)]
        return None

    def folder_for(self, ref: str) -> str | None:
        """The internal path of the folder `ref` ("" is the shared folder) of a folder link."""
        if self.kind != Share.Kind.FOLDER:
            return None
        if not ref:
            return self.path
        path = f"{self.path}/{ref}"
        return path if is_clean_path(ref) and is_inside(self.path, path) else None

    def folder_ref(self, folder_path: str) -> str:
        return "" if folder_path == self.path else folder_path.removeprefix(self.path + "/")

    def clean(self) -> None:
        if self.kind in (Share.Kind.SLIDE, Share.Kind.FOLDER):
            if not is_clean_path(self.path):
                raise ValidationError({"path": "Enter a path like root/folder/slide.svs."})
            if self.grid:
                raise ValidationError({"grid": "Only grid links have a grid."})
        elif self.kind == Share.Kind.GRID:
            if self.path:
                raise ValidationError({"path": "Grid links name their slides in the grid."})
            problem = grid_problem(self.grid)
            if problem:
                raise ValidationError({"grid": problem})
        if self.fingerprints and (
            self.kind == Share.Kind.FOLDER
            or not isinstance(self.fingerprints, list)
            or len(self.fingerprints) != len(self.slide_paths)
            or not all(isinstance(f, str) and len(f) <= 64 for f in self.fingerprints)
        ):
            raise ValidationError({"fingerprints": "One fingerprint per slide of the link."})

    # -- state ------------------------------------------------------------------------

    def state_at(self, now: datetime) -> Share.State:
        if self.expires_at is not None and self.expires_at <= now:
            return Share.State.EXPIRED
        if self.suspended:
            return Share.State.SUSPENDED
        return Share.State.ACTIVE

    @property
    def state(self) -> Share.State:
        return self.state_at(timezone.now())

    @property
    def is_active(self) -> bool:
        return self.state == Share.State.ACTIVE

    # -- password ---------------------------------------------------------------------

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def set_password(self, raw_password: str) -> None:
        """Hash and keep `raw_password`; an empty one removes the password."""
        self.password = make_password(raw_password) if raw_password else ""

    def check_password(self, raw_password: str) -> bool:
        if not self.password or not raw_password:
            return False
        return check_password(raw_password, self.password)

    def unlock_key(self) -> str:
        """What a browser session remembers after the right password.

        The share's id plus a digest of the current hash: setting a new password locks
        out every browser that unlocked the old one.
        """
        digest = salted_hmac("sharing.unlock", self.password).hexdigest()[:16]
        return f"{self.pk}:{digest}"

    # -- changes ----------------------------------------------------------------------

    def recycle(
        self,
        *,
        expires_at: datetime | _Keep | None = KEEP,
        password: str | _Keep = KEEP,
    ) -> Share:
        """A new link with this link's target and options, replacing this one.

        The old link is deleted (its URL answers 404 from now on, as a deleted link does),
        so a leaked URL stops working at once. Expiry and password are copied unless given;
        `expires_at=None` means no expiry and `password=""` no password.
        """
        fresh = Share(
            owner_id=self.owner_id,
            kind=self.kind,
            path=self.path,
            grid=self.grid,
            fingerprints=self.fingerprints,
            password=self.password,
            expires_at=self.expires_at,
            include_annotations=self.include_annotations,
            include_label_and_macro=self.include_label_and_macro,
            label=self.label,
        )
        if not isinstance(expires_at, _Keep):
            fresh.expires_at = expires_at
        if not isinstance(password, _Keep):
            fresh.set_password(password)
        with transaction.atomic():
            self.delete()
            fresh.save()
        return fresh

    def record_visit(self, ip: str | None) -> None:
        """Count one opening of the link's page (not its tiles)."""
        now = timezone.now()
        Share.objects.filter(pk=self.pk).update(visits=F("visits") + 1, last_visit=now)
        self.visits += 1
        self.last_visit = now
        ShareAccess.objects.create(share=self, time=now, ip=ip, outcome=ShareAccess.Outcome.OPENED)


def grid_problem(grid: Any) -> str:
    """Why `grid` is not a valid grid target, or "" if it is."""
    if not isinstance(grid, dict) or set(grid) != {"slides", "rows", "columns", "sync"}:
        return "A grid has exactly the keys slides, rows, columns and sync."
    slides, rows, columns = grid["slides"], grid["rows"], grid["columns"]
    if not isinstance(slides, list) or not slides:
        return "A grid needs at least one slide."
    if not all(isinstance(p, str) and is_clean_path(p) for p in slides):
        return "Every slide of a grid is a path like root/folder/slide.svs."
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (rows, columns)):
        return "Rows and columns are whole numbers."
    if rows < 1 or columns < 1 or rows * columns > MAX_GRID_CELLS:
        return f"A grid has 1 to {MAX_GRID_CELLS} cells."
    if len(slides) > rows * columns:
        return f"{len(slides)} slides do not fit in {rows} by {columns} cells."
    if not isinstance(grid["sync"], bool):
        return "sync is true or false."
    return ""


class ShareAccess(models.Model):
    """One attempt to open a share link's page, as admins see it in the access log."""

    class Outcome(models.TextChoices):
        OPENED = "opened", "Opened"
        WRONG_PASSWORD = "wrong_password", "Wrong password"
        EXPIRED = "expired", "Expired"
        SUSPENDED = "suspended", "Suspended"
        THROTTLED = "throttled", "Throttled"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="accesses")
    time = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)

    class Meta:
        ordering = ["-time"]
        indexes = [models.Index(fields=["share", "-time"])]
        verbose_name_plural = "share accesses"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.time:%Y-%m-%d %H:%M}"


class ShareMove(models.Model):
    """A slide of a link found again elsewhere (moved or renamed): the link now shows it at
    `new_path`. Its owner sees these in the shared-links panel."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="moves")
    old_path = models.CharField(max_length=1024)
    new_path = models.CharField(max_length=1024)
    moved_on = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-moved_on", "-id"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"
