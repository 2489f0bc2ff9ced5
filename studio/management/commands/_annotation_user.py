"""Who the annotation commands work as: `--user`, else the first active superuser."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from studio.tileclient.principals import OwnerPrincipal


def principal_for(username: str | None) -> OwnerPrincipal:
    """The user's own tile-server session (embedded) or the service account's (remote)."""
    users = get_user_model().objects.filter(is_active=True)
    user = (
        users.filter(username=username).first()
        if username
        else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError(f"No active user {username!r}" if username else "No active superuser")
    return OwnerPrincipal(user.pk)
