"""What the embedded tile server keeps in the database: API sessions and slide UIDs."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from studio.lib.ttl_memo import TTLMemo

UID_ALPHABET = string.ascii_uppercase + string.digits
# How long a checked session is trusted without the database: every tile checks one.
SESSION_CHECK_SECONDS = 60
# ... and by one process without the shared cache (a deauthentication in another process
# reaches this one within these seconds; in this one, at once).
RECENT_SESSION_SECONDS = 10


def new_session_id() -> str:
    # 22 URL-safe characters: 128 bits, the shape of PMA.core's session IDs.
    return secrets.token_urlsafe(16)


class ApiSessionQuerySet(models.QuerySet["ApiSession"]):
    def alive(self) -> ApiSessionQuerySet:
        horizon = timezone.now() - timedelta(seconds=settings.TILE_SERVER_SESSION_TTL)
        return self.filter(last_used__gte=horizon, user__is_active=True)


class ApiSession(models.Model):
    """A tile-server session (`sessionID` in the PMA.core API), owned by a user."""

    session_id = models.CharField(max_length=64, unique=True, default=new_session_id)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tile_sessions"
    )
    caller = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(default=timezone.now)

    objects = ApiSessionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} ({self.created:%Y-%m-%d %H:%M})"

    @classmethod
    def open_for(cls, user: models.Model, caller: str = "") -> ApiSession:
        """The user's live session, or a new one: the same user twice gets the same ID."""
        session = cls.objects.alive().filter(user=user).order_by("-created").first()
        if session is None:
            session = cls.objects.create(user=user, caller=caller[:100])
        else:
            session.touch()
        return session

    @classmethod
    def lookup(cls, session_id: str) -> ApiSession | None:
        """The live session with this ID (and its user), refreshing its last use."""
        if not session_id:
            return None
        session = cls.objects.alive().select_related("user").filter(session_id=session_id).first()
        if session is not None:
            session.touch()
        return session

    @classmethod
    def checked(cls, session_id: str) -> ApiSession | None:
        """`lookup`, remembered: for RECENT_SESSION_SECONDS in this process (not even a trip
        to the shared cache: the embedded transport checks the session of every cold tile),
        and for SESSION_CHECK_SECONDS in the shared cache, so a warm check makes no query.

        Deauthenticating forgets it at once in this process and the shared cache, and within
        RECENT_SESSION_SECONDS in other processes; a deactivated user's session is refused
        within that minute (and at once wherever the studio checks the user itself)."""
        if not session_id:
            return None
        session = _recent_sessions.get(session_id)
        if session is not None:
            return session
        key = _checked_key(session_id)
        session = cache.get(key)
        if session is None:
            session = cls.lookup(session_id)
            if session is not None:
                cache.set(key, session, SESSION_CHECK_SECONDS)
        if session is not None:
            _recent_sessions.put(session_id, session)
        return session

    @classmethod
    async def achecked(cls, session_id: str) -> ApiSession | None:
        """`checked` for the async API handlers: a check this process made in the last
        RECENT_SESSION_SECONDS costs not even a hand-off to the sync thread, which every
        tile would otherwise queue for."""
        session = _recent_sessions.get(session_id)
        if session is None:
            session = await sync_to_async(cls.checked)(session_id)
        return session

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        _recent_sessions.forget(self.session_id)
        cache.delete(_checked_key(self.session_id))
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    def touch(self) -> None:
        now = timezone.now()
        # Write at most once a minute: lookups happen on every tile.
        if now - self.last_used > timedelta(minutes=1):
            self.last_used = now
            ApiSession.objects.filter(pk=self.pk).update(last_used=now)


_recent_sessions: TTLMemo[str, ApiSession] = TTLMemo(RECENT_SESSION_SECONDS, max_entries=10_000)


def _checked_key(session_id: str) -> str:
    return "tileserver:session:" + hashlib.sha256(session_id.encode()).hexdigest()[:40]


class SlideUID(models.Model):
    """The 10-character UID of a slide at a location (path-based, like PMA.core's)."""

    path = models.CharField(max_length=1024, unique=True)
    uid = models.CharField(max_length=10, unique=True)

    def __str__(self) -> str:
        return f"{self.uid} {self.path}"

    @classmethod
    def for_path(cls, path: str) -> str:
        existing = cls.objects.filter(path=path).values_list("uid", flat=True).first()
        if existing:
            return existing
        for _ in range(5):
            uid = "".join(secrets.choice(UID_ALPHABET) for _ in range(10))
            try:
                with transaction.atomic():
                    cls.objects.create(path=path, uid=uid)
                return uid
            except IntegrityError:
                # Another request created this path's UID first, or the UID was taken.
                existing = cls.objects.filter(path=path).values_list("uid", flat=True).first()
                if existing:
                    return existing
        raise RuntimeError("could not allocate a slide UID")

    @classmethod
    def path_for(cls, uid: str) -> str | None:
        return cls.objects.filter(uid=uid).values_list("path", flat=True).first()


class SlideFingerprint(models.Model):
    """A slide's fingerprint as last computed, valid while its files keep their total size
    and latest modification time: a tree of 10,000 slides is read once, not on every scan."""

    path = models.CharField(max_length=1024, unique=True)
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    fingerprint = models.CharField(max_length=64, db_index=True)
    computed_on = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.fingerprint} {self.path}"

    @classmethod
    def lookup(cls, path: str, size: int, mtime_ns: int) -> str | None:
        return (
            cls.objects.filter(path=path, size=size, mtime_ns=mtime_ns)
            .values_list("fingerprint", flat=True)
            .first()
        )

    @classmethod
    def remember(cls, path: str, size: int, mtime_ns: int, fingerprint: str) -> None:
        cls.objects.update_or_create(
            path=path,
            defaults={
                "size": size,
                "mtime_ns": mtime_ns,
                "fingerprint": fingerprint,
                "computed_on": timezone.now(),
            },
        )


class AnnotationQuerySet(models.QuerySet["Annotation"]):
    def on_slide(self, path: str) -> AnnotationQuerySet:
        return self.filter(slide_path=path)


class Annotation(models.Model):
    """An annotation of a slide: WKT in full-resolution pixels (origin top left), with the
    slide's path and fingerprint (to find it again after a move, and on identical copies)."""

    slide_path = models.CharField(max_length=1024, db_index=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    layer_id = models.IntegerField(default=0)
    classification = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    geometry = models.TextField()
    dimensions = models.PositiveSmallIntegerField()
    color = models.CharField(max_length=9)
    fill_color = models.CharField(max_length=9, blank=True)
    line_thickness = models.PositiveSmallIntegerField(default=2)
    # The bounding box, for "what is in view" queries.
    min_x = models.FloatField()
    min_y = models.FloatField()
    max_x = models.FloatField()
    max_y = models.FloatField()
    # Names, not keys: the audit trail outlives the account.
    created_by = models.CharField(max_length=150)
    created_on = models.DateTimeField(default=timezone.now)
    modified_by = models.CharField(max_length=150)
    modified_on = models.DateTimeField(default=timezone.now)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.classification or 'annotation'} #{self.pk} on {self.slide_path}"


class SlideUpload(models.Model):
    """One upload through `transfer/Upload`: its header (target folder and files) while the
    files arrive in a hidden staging folder, then where the slide was put. Only its user
    sends its files and finishes it; unfinished ones are removed after UPLOAD_STALE_SECONDS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slide_uploads"
    )
    folder = models.CharField(max_length=1024)  # virtual target folder
    files = models.JSONField()  # [{"path": relative, "length": bytes}], main file first
    created = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    slide_path = models.CharField(max_length=1024, blank=True)  # once finished
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        permissions = [("upload_slides", "Can upload slides to the tile server")]

    def __str__(self) -> str:
        return f"upload #{self.pk} to {self.folder} by {self.user}"

    @property
    def main_file(self) -> str:
        return str(self.files[0]["path"]) if self.files else ""

    @property
    def total_bytes(self) -> int:
        return sum(int(item["length"]) for item in self.files)
