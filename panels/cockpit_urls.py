"""The cockpit's own endpoints under /panels/ (the panel fragments are in panels.urls)."""

from __future__ import annotations

from django.urls import URLPattern, path

from panels.views import arrangement

app_name = "cockpit"

urlpatterns: list[URLPattern] = [
    path("arrangement/<str:layout_id>/", arrangement.arrangement, name="arrangement"),
    path("custom-panels/", arrangement.create_custom_panel, name="custom-panels"),
    path("custom-panels/<int:pk>/", arrangement.custom_panel, name="custom-panel"),
]
