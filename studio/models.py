"""What the studio itself remembers about slides: where each fingerprint was last seen."""

from __future__ import annotations

from django.db import models
from django.db.models import Count
from django.utils import timezone


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
