from __future__ import annotations

from django.urls import URLPattern, path

from panels.views import cockpit
from studio.views import accounts, annotations, icons, images, live, pages, transfer

urlpatterns: list[URLPattern] = [
    path("favicon.ico", icons.favicon, name="favicon"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("", cockpit.cockpit, name="home"),
    path("browse/", pages.browse, name="browse"),
    path("viewer/", pages.viewer, name="viewer"),
    path("tiles/<str:fingerprint>/<int:z>/<int:x>_<int:y>.jpg", images.tile, name="tile"),
    path("images/<str:kind>", images.associated_image, name="image"),
    path("live/", live.create, name="live-create"),
    path("live/<slug:name>/", live.join, name="live-join"),
    path("live/<slug:name>/qr.svg", live.qr, name="live-qr"),
    path("live/<slug:name>/enter/", live.enter, name="live-enter"),
    path("live/<slug:name>/watch/", live.watch, name="live-watch"),
    path("live/<slug:name>/slide/", live.guest_slide, name="live-slide"),
    path(
        "live/<slug:name>/tiles/<str:fingerprint>/<int:z>/<int:x>_<int:y>.jpg",
        live.guest_tile,
        name="live-tile",
    ),
    path("slides/download/", transfer.download_slide, name="slide-download"),
    path("slides/upload/", transfer.upload_start, name="slide-upload"),
    path("slides/upload/<int:upload_id>/", transfer.upload_file, name="slide-upload-file"),
    path(
        "slides/upload/<int:upload_id>/finish/",
        transfer.upload_finish,
        name="slide-upload-finish",
    ),
    path("annotations/", annotations.annotations, name="annotations"),
    path("annotations/copies/", annotations.copies, name="annotation-copies"),
    path("annotations/import/", annotations.import_file, name="annotation-import"),
    path("annotations/export/", annotations.export_file, name="annotation-export"),
    path("annotations/regions/", annotations.extract_regions, name="annotation-regions"),
    path(
        "annotations/regions/<str:job>/",
        annotations.extract_regions_status,
        name="annotation-regions-status",
    ),
    path("annotations/<int:annotation_id>/", annotations.change, name="annotation"),
    path(
        "annotations/<int:annotation_id>/delete/",
        annotations.delete,
        name="annotation-delete",
    ),
]
