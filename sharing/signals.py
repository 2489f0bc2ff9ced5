"""Any saved or deleted link drops its cached copy, so the gate sees the change at once."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sharing.access import forget_share
from sharing.models import Share


@receiver(post_save, sender=Share, dispatch_uid="sharing.forget_saved_share")
@receiver(post_delete, sender=Share, dispatch_uid="sharing.forget_deleted_share")
def forget_changed_share(sender: type[Share], instance: Share, **kwargs: Any) -> None:
    forget_share(instance.token)
