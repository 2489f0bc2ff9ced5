from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from studio.views.accounts import admin_login
from studio.views.uid_lookup import uid_lookup

urlpatterns = [
    # Ahead of the admin's own login route: the same view, throttled.
    path("admin/login/", admin_login),
    path("admin/uid-lookup/", uid_lookup, name="uid-lookup"),
    path("admin/", admin.site.urls),
    path("core/", include("studio.tileclient.urls")),
    path("panels/", include("panels.cockpit_urls")),
    path("panels/", include("panels.urls")),
    path("", include("sharing.urls")),
    path("", include("studio.views.urls")),
]
