"""The PMA.core API under `/core/`: one catch-all route, dispatched case-insensitively."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from tileserver.api.dispatch import api

app_name = "tileserver"

urlpatterns: list[URLPattern] = [
    re_path(r"^(?P<endpoint>.*)$", api, name="api"),
]
