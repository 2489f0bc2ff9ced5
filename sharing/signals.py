"""Any saved or deleted link drops its cached copy, so the gate sees the change at once; so
does any change of its owner (a deactivated owner's links stop at once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sharing.access import forget_share
from sharing.models import Share
from studio.tileclient.principals import forget_delegated_session


@receiver(post_save, sender=Share, dispatch_uid="sharing.forget_saved_share")
@receiver(post_delete, sender=Share, dispatch_uid="sharing.forget_deleted_share")
def forget_changed_share(sender: type[Share], instance: Share, **kwargs: Any) -> None:
    forget_share(instance.token)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="sharing.forget_owner")
def forget_changed_owner(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    forget_delegated_session(instance.pk)
    for token in Share.objects.filter(owner_id=instance.pk).values_list("token", flat=True):
        forget_share(token)
