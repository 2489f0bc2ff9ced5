from __future__ import annotations

from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
