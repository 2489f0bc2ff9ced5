"""The PMA.core API under `/core/`, whichever tile server answers it (see gateway.py).

The URL names stay the tile server's (`tileserver:api`): GetImageInfo's BaseUrl uses them.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path

from studio.tileclient.gateway import core_api

app_name = "tileserver"

urlpatterns: list[URLPattern] = [
    re_path(r"^(?P<endpoint>.*)$", core_api, name="api"),
]
