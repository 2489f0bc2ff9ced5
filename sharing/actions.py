"""Changes to share links, each in one function that the panel views and the admin call.

Bulk updates skip the model's signals, so these functions drop cached copies themselves:
a suspended link must stop serving tiles on the very next request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from sharing.access import forget_share
from sharing.models import KEEP, Share, _Keep


def create_share(
    owner: AbstractBaseUser,
    *,
    kind: str,
    path: str = "",
    grid: dict[str, Any] | None = None,
    password: str = "",
    expires_at: datetime | None = None,
    include_annotations: bool = False,
    include_label_and_macro: bool = False,
    label: str = "",
) -> Share:
    """A new link; raises ValidationError when the target is not a valid one."""
    share = Share(
        owner=owner,
        kind=kind,
        path=path,
        grid=grid or {},
        expires_at=expires_at,
        include_annotations=include_annotations,
        include_label_and_macro=include_label_and_macro,
        label=label,
    )
    share.set_password(password)
    share.full_clean()
    share.save()
    return share


def do_suspend(shares: QuerySet[Share]) -> int:
    return _update(shares, suspended=True)


def do_reactivate(shares: QuerySet[Share]) -> int:
    return _update(shares, suspended=False)


def do_delete(shares: QuerySet[Share]) -> int:
    tokens = list(shares.values_list("token", flat=True))
    count, _ = shares.delete()
    for token in tokens:
        forget_share(token)
    return count


def do_recycle(
    share: Share,
    *,
    expires_at: datetime | _Keep | None = KEEP,
    password: str | _Keep = KEEP,
) -> Share:
    """A new link in place of `share`, whose URL stops working at once."""
    fresh = share.recycle(expires_at=expires_at, password=password)
    forget_share(share.token)
    return fresh


def _update(shares: QuerySet[Share], **changes: Any) -> int:
    tokens = list(shares.values_list("token", flat=True))
    count = Share.objects.filter(token__in=tokens).update(**changes)
    for token in tokens:
        forget_share(token)
    return count
