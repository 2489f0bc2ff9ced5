"""A small hand-written factory for share links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from sharing.models import Share

SLIDE = "demo/breast/CASE-001/CASE-001-A2.svs"
OTHER_SLIDE = "demo/skin/CASE-003/CASE-003-C2.svs"


def make_share(
    owner: AbstractUser,
    *,
    kind: str = Share.Kind.SLIDE,
    path: str = SLIDE,
    grid: dict[str, Any] | None = None,
    password: str = "",
    expires_at: datetime | None = None,
    **fields: Any,
) -> Share:
    if kind == Share.Kind.GRID:
        path = ""
        grid = grid or {"slides": [SLIDE, OTHER_SLIDE], "rows": 1, "columns": 2, "sync": True}
    share = Share(owner=owner, kind=kind, path=path, grid=grid or {}, expires_at=expires_at)
    for name, value in fields.items():
        setattr(share, name, value)
    share.set_password(password)
    share.full_clean()
    share.save()
    return share


def open_url(share: Share) -> str:
    return reverse("sharing:open", args=[share.token])


def password_url(share: Share) -> str:
    return reverse("sharing:password", args=[share.token])
