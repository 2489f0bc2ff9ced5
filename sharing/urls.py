from __future__ import annotations

from django.urls import URLPattern, path

from sharing import api, images, links, views

app_name = "sharing"

urlpatterns: list[URLPattern] = [
    # Recipients: pages and images by token.
    path("s/<str:token>/", views.open_share, name="open"),
    path("s/<str:token>/view/", views.share_viewer, name="view"),
    path("s/<str:token>/password/", views.password, name="password"),
    path("s/<str:token>/status", views.share_status, name="status"),
    path(
        "s/<str:token>/tiles/<str:fingerprint>/<int:z>/<int:x>_<int:y>.jpg",
        images.tile,
        name="tile",
    ),
    path("s/<str:token>/images/<str:kind>", images.associated_image, name="image"),
    path("s/<str:token>/annotations", images.annotations, name="annotations"),
    # Owners: QR codes, creating links, the shared-links panel.
    path("s/<str:token>/qr.png", views.qr_code_png, name="qr-png"),
    path("s/<str:token>/qr.svg", views.qr_code_svg, name="qr-svg"),
    path("sharing/links/", links.create_link, name="create"),
    path("sharing/panel/", links.panel, name="panel"),
    path("sharing/links/<int:pk>/suspend/", links.suspend, name="suspend"),
    path("sharing/links/<int:pk>/reactivate/", links.reactivate, name="reactivate"),
    path("sharing/links/<int:pk>/recycle/", links.recycle, name="recycle"),
    path("sharing/links/<int:pk>/delete/", links.delete, name="delete"),
    # Integrators.
    path("API/Share/CreateLinkForSlide", api.create_link_for_slide, name="api-slide"),
    path("API/Share/CreateLinkForFolder", api.create_link_for_folder, name="api-folder"),
    path("API/Share/CreateLinkForGrid", api.create_link_for_grid, name="api-grid"),
]
