"""The studio's own admin pages: live sessions (an admin ends one), duplicate slides (as
the last scan saw them; a button starts a new one in the background) and copies of slides
between tile servers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from studio.collaboration.actions import do_end
from studio.copying import jobs as copy_jobs
from studio.copying.servers import server_names
from studio.duplicate_scans import scan_state, start_scan
from studio.models import CopyItem, CopyJob, DuplicateSlide, LiveSession


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


class CopyJobForm(forms.ModelForm):
    source_server = forms.ChoiceField(choices=())
    target_server = forms.ChoiceField(choices=())

    class Meta:
        model = CopyJob
        fields = ["source_server", "source_folder", "target_server", "target_folder"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(name, name) for name in server_names()]
        help_texts = {
            "source_folder": "e.g. demo/breast: its slides and sub-folders",
            "target_folder": "inside a root directory of the target server",
        }
        for name, field in self.fields.items():  # none on the read-only page of a job
            if name.endswith("_server"):
                field.choices = choices  # type: ignore[attr-defined]
            field.help_text = help_texts.get(name, field.help_text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        same_server = data.get("source_server") == data.get("target_server")
        if same_server and data.get("source_folder", "").strip("/") == data.get(
            "target_folder", ""
        ).strip("/"):
            raise forms.ValidationError("The target must differ from the source.")
        return data


class CopyItemInline(admin.TabularInline):
    model = CopyItem
    fields = ["slide", "state", "target_path", "fingerprint", "size", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CopyJob)
class CopyJobAdmin(admin.ModelAdmin):
    """Copies between tile servers: an admin starts one here; it runs in the background
    (a thread of the studio process); this page shows how far it got. Opening the list
    also takes up jobs whose studio process ended."""

    form = CopyJobForm
    list_display = ["__str__", "state", "progress", "created_by", "created", "finished"]
    list_filter = ["state"]
    inlines = [CopyItemInline]

    def get_readonly_fields(self, request: HttpRequest, obj: CopyJob | None = None) -> Any:
        if obj is None:
            return []
        return [
            "source_server",
            "source_folder",
            "target_server",
            "target_folder",
            "state",
            "progress",
            "message",
            "created_by",
            "created",
            "finished",
            "heartbeat",
        ]

    def get_fields(self, request: HttpRequest, obj: CopyJob | None = None) -> Any:
        if obj is None:
            return ["source_server", "source_folder", "target_server", "target_folder"]
        return self.get_readonly_fields(request, obj)

    @admin.display(description="progress")
    def progress(self, job: CopyJob) -> str:
        counts = {state: 0 for state, _ in CopyItem.STATES}
        for state in job.items.values_list("state", flat=True):
            counts[state] += 1
        total = sum(counts.values())
        if not total:
            return "listing slides…" if job.state != CopyJob.DONE else "no slides"
        copied = counts[CopyItem.COPIED]
        size = filesizeformat(sum(job.items.values_list("size", flat=True)))
        return (
            f"{copied + counts[CopyItem.FAILED]} of {total} done: {copied} copied ({size}), "
            f"{counts[CopyItem.FAILED]} failed"
        )

    def save_model(self, request: HttpRequest, obj: CopyJob, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: copy_jobs.start_in_background(obj.pk))
            messages.info(request, "The copy runs in the background: reload to see its progress.")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        copy_jobs.resume_stale()
        return super().changelist_view(request, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
