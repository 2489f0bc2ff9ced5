"""The studio's own admin pages: live sessions (an admin ends one), and duplicate slides
(as the last scan saw them; a button starts a new one in the background)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from studio.collaboration.actions import do_end
from studio.duplicate_scans import scan_state, start_scan
from studio.models import DuplicateSlide, LiveSession


class LiveFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return [("live", "Live"), ("ended", "Ended")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[LiveSession]
    ) -> QuerySet[LiveSession]:
        if self.value() == "live":
            return queryset.filter(ended_at__isnull=True)
        if self.value() == "ended":
            return queryset.filter(ended_at__isnull=False)
        return queryset


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_live", "paused", "everyone_in_control", "created_at"]
    list_filter = [LiveFilter]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner"]
    # The password hash and the flags change through the session itself, not here.
    readonly_fields = [
        "name",
        "owner",
        "owner_nickname",
        "everyone_in_control",
        "paused",
        "driver",
        "created_at",
        "ended_at",
    ]
    exclude = ["password"]
    actions = ["end_sessions"]

    @admin.display(boolean=True, description="live")
    def is_live(self, session: LiveSession) -> bool:
        return session.is_live

    @admin.action(description="End the selected sessions (everyone connected is let go)")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[LiveSession]) -> None:
        ended = 0
        for session in queryset.filter(ended_at__isnull=True):
            do_end(session)
            ended += 1
        self.message_user(request, f"Ended {ended} live session(s).", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DuplicateSlide)
class DuplicateSlideAdmin(admin.ModelAdmin):
    """Groups of slides sharing a fingerprint, side by side (sorted by fingerprint)."""

    list_display = ("fingerprint", "path", "file_size", "last_modified", "seen_on")
    list_display_links = None
    search_fields = ("path", "fingerprint")
    list_per_page = 200

    def get_queryset(self, request: HttpRequest) -> QuerySet[DuplicateSlide]:
        return DuplicateSlide.objects.with_copies()  # type: ignore[return-value]

    def get_urls(self) -> list[URLPattern]:
        rescan = self.admin_site.admin_view(require_POST(self.rescan_view))
        name = "studio_duplicateslide_rescan"
        return [path("rescan/", rescan, name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "scan": scan_state()})

    def rescan_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if start_scan(request.user.pk):
            self.message_user(request, "Scanning every slide in the background.", messages.INFO)
        else:
            self.message_user(request, "A scan is running already.", messages.WARNING)
        return redirect("admin:studio_duplicateslide_changelist")

    @admin.display(description="size", ordering="size")
    def file_size(self, slide: DuplicateSlide) -> str:
        return filesizeformat(slide.size)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
