from __future__ import annotations

from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Slide Studio"

    def ready(self) -> None:
        from studio import auth  # noqa: F401 (registers the login handler)
