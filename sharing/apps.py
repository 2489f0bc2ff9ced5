from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"

    def ready(self) -> None:
        from sharing import checks, signals  # noqa: F401 (registers the checks and signals)
