"""Share pages may be framed by the studio itself and by SHARE_FRAME_ANCESTORS; no other page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from django.conf import settings
from django.http import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt

from studio.lib.csp import content_security_policy

View = Callable[..., Any]


def frame_ancestors() -> str:
    return " ".join(["'self'", *settings.SHARE_FRAME_ANCESTORS])


def _add_csp(response: HttpResponseBase) -> HttpResponseBase:
    allow_eval = getattr(response, "csp_allow_eval", False)
    response["Content-Security-Policy"] = content_security_policy(
        frame_ancestors=frame_ancestors(), allow_eval=allow_eval
    )
    return response


def embeddable(view: View) -> View:
    """Exempt `view` from X-Frame-Options DENY; CSP frame-ancestors decides instead.

    Works on sync and async views (the share tile routes are async).
    """
    if iscoroutinefunction(view):

        @wraps(view)
        async def async_wrapper(*args: Any, **kwargs: Any) -> HttpResponseBase:
            return _add_csp(await view(*args, **kwargs))

        return xframe_options_exempt(async_wrapper)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponseBase:
        return _add_csp(view(*args, **kwargs))

    return xframe_options_exempt(wrapper)
