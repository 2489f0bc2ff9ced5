from __future__ import annotations

from django.urls import URLPattern, path

from sharing import api, views

app_name = "sharing"

urlpatterns: list[URLPattern] = [
    path("s/<str:token>/", views.open_share, name="open"),
    path("s/<str:token>/password/", views.password, name="password"),
    path("s/<str:token>/qr.png", views.qr_code_png, name="qr-png"),
    path("s/<str:token>/qr.svg", views.qr_code_svg, name="qr-svg"),
    path("API/Share/CreateLinkForSlide", api.create_link_for_slide, name="api-slide"),
    path("API/Share/CreateLinkForFolder", api.create_link_for_folder, name="api-folder"),
    path("API/Share/CreateLinkForGrid", api.create_link_for_grid, name="api-grid"),
]
