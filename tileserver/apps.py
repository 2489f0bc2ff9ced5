from __future__ import annotations

from django.apps import AppConfig


class TileserverConfig(AppConfig):
    name = "tileserver"
