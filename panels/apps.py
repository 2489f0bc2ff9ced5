from __future__ import annotations

from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"

    def ready(self) -> None:
        # Importing registers the layout check with Django's system checks.
        from panels import checks  # noqa: F401
