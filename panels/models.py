"""What users keep of the cockpit: their panel arrangement per layout, and their own panels."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

# The panel manager's serialized state is a few kilobytes; anything far bigger is not one.
MAX_ARRANGEMENT_BYTES = 64 * 1024
MAX_CUSTOM_PANELS = 50


class ArrangementQuerySet(models.QuerySet["Arrangement"]):
    def for_user(self, user: Any) -> ArrangementQuerySet:
        return self.filter(user=user)


class Arrangement(models.Model):
    """A user's own arrangement of one layout's panels, as the panel manager serializes it.

    Missing means "the layout file's arrangement"; resetting deletes the row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arrangements"
    )
    layout_id = models.CharField(max_length=64)
    state = models.JSONField()
    updated = models.DateTimeField(auto_now=True)

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "layout_id"], name="one_arrangement_per_layout")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.layout_id}"


class UserCustomPanelQuerySet(models.QuerySet["UserCustomPanel"]):
    def for_user(self, user: Any) -> UserCustomPanelQuerySet:
        return self.filter(user=user)


class UserCustomPanel(models.Model):
    """An iframe panel a user defined in the "More" dialog (like a layout's custom-panel)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="custom_panels"
    )
    title = models.CharField(max_length=80)
    # Checked with panels.lib.url_template before it is saved.
    url_template = models.CharField(max_length=2000)
    created = models.DateTimeField(auto_now_add=True)

    objects = UserCustomPanelQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def panel_id(self) -> str:
        """The id of its panel in the panel manager (never clashes with a layout's ids)."""
        return f"user-custom-{self.pk}"


class CockpitPreference(models.Model):
    """Which layout a user's cockpit shows when they open it without `?layout=`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cockpit_preference"
    )
    layout_id = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.user}: {self.layout_id}"
