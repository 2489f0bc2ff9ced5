"""`manage.py check` reports every problem of the layout files with file, line and reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from panels.layouts.loader import load_layouts


@register("layouts")
def check_layouts(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    result = load_layouts(settings.LAYOUTS_DIR)
    messages: list[CheckMessage] = [
        Error(
            str(error),
            hint="The cockpit uses the last good version of this layout, or the built-in one.",
            id="panels.E001",
        )
        for error in result.errors
    ]
    messages += [Warning(str(warning), id="panels.W001") for warning in result.warnings]
    return messages
