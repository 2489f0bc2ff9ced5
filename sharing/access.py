"""The one gate every share route goes through: page, tiles, images, annotations, QR.

    share = get_share(request, token, slide=ref)         # sync views
    share = await aget_share(request, token, slide=ref)  # async image routes
    path = share.slide_for(ref)                           # the slide's internal path

The async gate (tiles) keeps the link briefly in the cache (SHARE_CACHE_SECONDS) so that a
warm tile costs no database query; state is still judged on every request (expiry against
the clock), and every change of a link drops the cached copy (`forget_share`, called by the
model's save/delete signals and by the `sharing.actions` functions that update in bulk).

Unknown or deleted token → Http404; expired or suspended, or its owner's account
deactivated → ShareGone (410); password not
yet given in this browser session → PasswordRequired (page: redirect to the password page;
images: 403); a `slide` reference that names nothing the link covers → Http404 (share
pages name slides by reference, never by internal path: `Share.slide_ref`). Nothing is recorded
here: a page view calls `record_visit` once per opening, tiles never do.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import secrets

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from pmacore.types import SlideInfo
from sharing.lib.paths import is_inside
from sharing.models import TOKEN_LENGTH, Share

UNLOCKED_KEY = "share_unlocked"
MAX_UNLOCKED = 100  # links one browser session remembers; the oldest are forgotten
SHARE_CACHE_SECONDS = 30
MAX_DECODED = 1024  # links each process keeps decoded (see _acached_share)
_decoded: dict[str, tuple[str, Share]] = {}
_TOKEN_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


class ShareGone(Exception):
    """The link exists but is expired or suspended: answer 410 without any slide data."""

    def __init__(self, share: Share, state: Share.State) -> None:
        super().__init__(state)
        self.share = share
        self.state = state

    @property
    def title(self) -> str:
        if self.state == Share.State.EXPIRED:
            return "This link has expired"
        return "This link is not available"


class PasswordRequired(Exception):
    """The link has a password this browser session has not given yet."""

    def __init__(self, share: Share) -> None:
        super().__init__(share.token)
        self.share = share


def get_share(request: HttpRequest, token: str, *, slide: str | None = None) -> Share:
    _check_token_shape(token)
    share = _check_state(_found(_shares().filter(token=token).first()))
    if share.has_password and share.unlock_key() not in request.session.get(UNLOCKED_KEY, []):
        raise PasswordRequired(share)
    return _check_scope(share, slide)


async def aget_share(request: HttpRequest, token: str, *, slide: str | None = None) -> Share:
    _check_token_shape(token)
    share = _check_state(_found(await _acached_share(token)))
    if share.has_password and share.unlock_key() not in await request.session.aget(
        UNLOCKED_KEY, []
    ):
        raise PasswordRequired(share)
    return _check_scope(share, slide)


def get_owned_share(request: HttpRequest, token: str) -> Share:
    """The link for its owner's own use (the QR code): 404 to anyone else, 410 when gone.

    The owner needs no password: they set it.
    """
    if not request.user.is_authenticated:
        raise Http404("No such link.")
    _check_token_shape(token)
    return _check_state(_found(_shares().filter(token=token, owner=request.user).first()))


def unlock(request: HttpRequest, share: Share) -> None:
    """Remember in this browser's session (only) that the right password was given."""
    unlocked = [key for key in request.session.get(UNLOCKED_KEY, []) if key != share.unlock_key()]
    request.session[UNLOCKED_KEY] = [*unlocked, share.unlock_key()][-MAX_UNLOCKED:]


def forget_share(token: str) -> None:
    """Drop the cached copy of a link: call after any change to it."""
    cache.delete(_share_cache_key(token))


def _share_cache_key(token: str) -> str:
    # "link", not "share" as before the stamped copies: a process of the older version
    # sharing the cache during an upgrade must not meet a value it cannot read.
    return "sharing:link:" + hashlib.sha256(token.encode()).hexdigest()[:40]


async def _acached_share(token: str) -> Share | None:
    """The link from the shared cache, read on every tile so that a change anywhere counts
    at once. The cache holds it pickled beside a stamp of that copy, and each process keeps
    the copies it decoded: while the stamp is the same, the link and its owner are not
    decoded again (that was a third of a warm share tile's cost)."""
    key = _share_cache_key(token)
    cached = await cache.aget(key)
    if isinstance(cached, tuple):
        stamp, pickled = cached
        known = _decoded.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        share = pickle.loads(pickled)  # noqa: S301 (the cache's own bytes, as any cache value)
    else:
        share = await _shares().filter(token=token).afirst()
        if share is None:
            return None
        stamp = secrets.token_hex(8)
        await cache.aset(key, (stamp, pickle.dumps(share)), SHARE_CACHE_SECONDS)
    if len(_decoded) >= MAX_DECODED:
        _decoded.clear()
    _decoded[key] = (stamp, share)
    return share


def _check_token_shape(token: str) -> None:
    # Junk never reaches the database.
    if not _TOKEN_SHAPE.fullmatch(token):
        raise Http404("No such link.")


def _found(share: Share | None) -> Share:
    if share is None:
        raise Http404("No such link.")
    return share


def _shares() -> QuerySet[Share]:
    # The owner comes along: their account's state decides as much as the link's.
    return Share.objects.select_related("owner")


def _check_state(share: Share) -> Share:
    state = share.state if share.owner.is_active else Share.State.SUSPENDED
    if state != Share.State.ACTIVE:
        raise ShareGone(share, state)
    return share


def _check_scope(share: Share, slide: str | None) -> Share:
    if slide is not None and share.slide_for(slide) is None:
        raise Http404("No such slide.")
    return share


def check_real_location(share: Share, info: SlideInfo) -> None:
    """Http404 unless the slide really lies inside a folder link's folder.

    A symlinked folder inside the shared folder may lead elsewhere on the tile server; the
    tile server reports where a slide really is (`SlideInfo.path`, symlinks followed), and
    that is what must be inside the share.
    """
    if share.kind == Share.Kind.FOLDER and not is_inside(share.path, info.path):
        raise Http404("No such slide.")
