"""Changes to share links, each in one function that the panel views and the admin call.

Bulk updates skip the model's signals, so these functions drop cached copies themselves:
a suspended link must stop serving tiles on the very next request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from sharing.access import forget_share
from sharing.models import KEEP, Share, ShareMove, _Keep


def create_share(
    owner: AbstractBaseUser,
    *,
    kind: str,
    path: str = "",
    grid: dict[str, Any] | None = None,
    fingerprints: list[str] | None = None,
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
        fingerprints=fingerprints or [],
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


def do_follow(share: Share, old_path: str, new_path: str) -> None:
    """The link names `new_path` wherever it named `old_path`: its slide moved there. Done
    once however many requests find the move at the same time; the owner sees a ShareMove."""
    with transaction.atomic():
        current = Share.objects.select_for_update().filter(pk=share.pk).first()
        if current is None or old_path not in current.slide_paths:
            return
        if current.kind == Share.Kind.SLIDE:
            current.path = new_path
        else:
            slides = [new_path if path == old_path else path for path in current.slide_paths]
            current.grid = {**current.grid, "slides": slides}
        current.save(update_fields=["path", "grid"])
        ShareMove.objects.create(share=current, old_path=old_path, new_path=new_path)
    forget_share(share.token)


def do_note_fingerprint(share: Share, path: str, fingerprint: str) -> None:
    """Record the fingerprint the slide at `path` has now, if the link does not have it (a
    link made before fingerprints were recorded, or a slide rescanned in place)."""
    paths = share.slide_paths
    fingerprints = [share.fingerprint_of(i) for i in range(len(paths))]
    noted = [fingerprint if p == path else f for p, f in zip(paths, fingerprints, strict=True)]
    if noted != share.fingerprints:
        Share.objects.filter(pk=share.pk).update(fingerprints=noted)
        share.fingerprints = noted
        forget_share(share.token)


def _update(shares: QuerySet[Share], **changes: Any) -> int:
    tokens = list(shares.values_list("token", flat=True))
    count = Share.objects.filter(token__in=tokens).update(**changes)
    for token in tokens:
        forget_share(token)
    return count
