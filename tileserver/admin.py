"""Admin pages of the embedded tile server: the record of slide uploads (read only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tileserver.models import SlideUpload


@admin.register(SlideUpload)
class SlideUploadAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "folder", "main_file", "total_bytes", "created", "finished"]
    list_filter = ["finished"]
    search_fields = ["folder", "slide_path", "user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
