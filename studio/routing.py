"""WebSocket routes."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from studio.collaboration.consumers import LiveSessionConsumer
from studio.models import SESSION_NAME_PATTERN

websocket_urlpatterns: list[URLPattern] = [
    re_path(
        rf"^ws/collaboration/(?P<name>{SESSION_NAME_PATTERN})/$",
        LiveSessionConsumer.as_asgi(),
    ),
]
