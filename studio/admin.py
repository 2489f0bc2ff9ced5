"""The studio's own admin pages: duplicate slides (as the last `find_duplicates` scan saw
them)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from studio.models import DuplicateSlide


@admin.register(DuplicateSlide)
class DuplicateSlideAdmin(admin.ModelAdmin):
    """Groups of slides sharing a fingerprint, side by side (sorted by fingerprint)."""

    list_display = ("fingerprint", "path", "file_size", "last_modified", "seen_on")
    list_display_links = None
    search_fields = ("path", "fingerprint")
    list_per_page = 200

    def get_queryset(self, request: HttpRequest) -> QuerySet[DuplicateSlide]:
        return DuplicateSlide.objects.with_copies()  # type: ignore[return-value]

    @admin.display(description="size", ordering="size")
    def file_size(self, slide: DuplicateSlide) -> str:
        return filesizeformat(slide.size)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
