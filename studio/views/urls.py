from __future__ import annotations

from django.urls import URLPattern, path

from panels.views import cockpit
from studio.views import accounts, annotations, icons, images, pages

urlpatterns: list[URLPattern] = [
    path("favicon.ico", icons.favicon, name="favicon"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("", cockpit.cockpit, name="home"),
    path("browse/", pages.browse, name="browse"),
    path("viewer/", pages.viewer, name="viewer"),
    path("tiles/<str:fingerprint>/<int:z>/<int:x>_<int:y>.jpg", images.tile, name="tile"),
    path("images/<str:kind>", images.associated_image, name="image"),
    path("annotations/", annotations.annotations, name="annotations"),
    path("annotations/copies/", annotations.copies, name="annotation-copies"),
    path("annotations/import/", annotations.import_file, name="annotation-import"),
    path("annotations/export/", annotations.export_file, name="annotation-export"),
    path("annotations/<int:annotation_id>/", annotations.change, name="annotation"),
    path(
        "annotations/<int:annotation_id>/delete/",
        annotations.delete,
        name="annotation-delete",
    ),
]
