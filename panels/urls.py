"""The cockpit's panels: fragments, the viewer panel's data, custom panels and their tokens."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from panels.views import custom, demo, fragments, token_api, viewer

app_name = "panels"

urlpatterns: list[URLPattern | URLResolver] = [
    # Panel fragments, each taking ?slide=<path> (the browser also ?folder, q, view, page).
    path("browser/", fragments.browser, name="browser"),
    path("info/", fragments.info, name="info"),
    path("thumbnail/", fragments.associated_image, {"kind": "thumbnail"}, name="thumbnail"),
    path("label/", fragments.associated_image, {"kind": "label"}, name="label"),
    path("macro/", fragments.associated_image, {"kind": "macro"}, name="macro"),
    path("annotations/", fragments.annotations, name="annotations"),
    path("annotations/copies/", fragments.annotation_copies, name="annotation-copies"),
    path("custom/<str:layout_id>/<str:panel_id>/", custom.layout_panel, name="custom"),
    path("user-custom/<int:pk>/", custom.user_panel, name="user-custom"),
    # The viewer panel.
    path("slide-info.json", viewer.slide_info_json, name="slide-info-json"),
    path("viewer/", viewer.viewer_page, name="viewer"),
    # What a custom panel's page may fetch with its {token}.
    path("token/info", token_api.info, name="token-info"),
    path("token/<str:kind>", token_api.image, name="token-image"),
    path("demo/label/", demo.label, name="demo-label"),
]
