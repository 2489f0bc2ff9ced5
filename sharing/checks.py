"""Start-up checks of the sharing settings."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# A CSP host-source: scheme://host[:port], host with an optional "*." prefix, or a scheme.
# Whitespace, ";" or "," would smuggle other directives into the header.
_SOURCE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d+|\*))?$|^https?:$"
)


@register()
def check_frame_ancestors(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f"SHARE_FRAME_ANCESTORS has {origin!r}, which is not an origin.",
            hint="List origins like https://lims.example.org, separated by commas.",
            id="sharing.E001",
        )
        for origin in settings.SHARE_FRAME_ANCESTORS
        if not _SOURCE.match(origin)
    ]
