from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from sharing.actions import do_delete, do_reactivate, do_suspend
from sharing.forms import ShareAdminForm
from sharing.models import Share, ShareAccess


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        return Share.State.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Share]) -> QuerySet[Share]:
        if self.value() in Share.State.values:
            return queryset.in_state(self.value())  # type: ignore[attr-defined]
        return queryset


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    form = ShareAdminForm
    list_display = [
        "__str__",
        "owner",
        "kind",
        "state_display",
        "created",
        "expires_at",
        "visits",
        "last_visit",
    ]
    list_display_links = ["__str__"]
    list_filter = [StateFilter, "kind", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["path", "label", "grid", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created"
    actions = ["suspend", "reactivate"]
    readonly_fields = [
        "token",
        "password_status",
        "created",
        "visits",
        "last_visit",
        "access_log",
        "moves",
    ]
    fieldsets = [
        (None, {"fields": ["owner", "kind", "path", "grid", "label"]}),
        (
            "Access",
            {
                "fields": [
                    "token",
                    "password_status",
                    "new_password",
                    "remove_password",
                    "expires_at",
                    "suspended",
                    "include_annotations",
                    "include_label_and_macro",
                ]
            },
        ),
        ("Use", {"fields": ["created", "visits", "last_visit", "access_log", "moves"]}),
    ]

    @admin.display(description="state")
    def state_display(self, share: Share) -> str:
        return share.state.label

    @admin.display(description="password")
    def password_status(self, share: Share) -> str:
        return "set" if share.has_password else "not set"

    @admin.display(description="access log")
    def access_log(self, share: Share) -> str:
        if share.pk is None:
            return "-"
        url = reverse("admin:sharing_shareaccess_changelist")
        query = urlencode({"share__id__exact": share.pk})
        return format_html('<a href="{}?{}">{} entries</a>', url, query, share.accesses.count())

    @admin.display(description="slides moved")
    def moves(self, share: Share) -> str:
        """Where the link's slides moved and the link followed them (relocation.py)."""
        if share.pk is None or not share.moves.exists():
            return "-"
        return format_html_join(
            format_html("<br>"),
            "{}: {} → {}",
            (
                (f"{move.moved_on:%Y-%m-%d %H:%M}", move.old_path, move.new_path)
                for move in share.moves.all()
            ),
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Share]) -> None:
        do_delete(queryset)

    @admin.action(description="Suspend selected links")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Share]) -> None:
        count = do_suspend(queryset)
        self.message_user(request, f"Suspended {count} link(s).", messages.SUCCESS)

    @admin.action(description="Re-activate selected links")
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Share]) -> None:
        count = do_reactivate(queryset)
        expired = queryset.expired().count()  # type: ignore[attr-defined]
        self.message_user(request, f"Re-activated {count} link(s).", messages.SUCCESS)
        if expired:
            self.message_user(
                request,
                f"{expired} of them have expired: give them a later expiry to open them again.",
                messages.WARNING,
            )


@admin.register(ShareAccess)
class ShareAccessAdmin(admin.ModelAdmin):
    list_display = ["time", "share", "share_owner", "ip", "outcome"]
    list_filter = ["outcome", "time", ("share__owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["ip", "share__path", "share__label"]
    list_select_related = ["share", "share__owner"]
    date_hierarchy = "time"

    @admin.display(description="owner")
    def share_owner(self, access: ShareAccess) -> str:
        return str(access.share.owner)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
