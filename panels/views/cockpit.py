"""The cockpit: the ribbon of the user's layout, and the data its panel manager starts from."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from panels.forms import CockpitForm, UserCustomPanelForm
from panels.layouts.builtin import BUILTIN_SOURCE
from panels.layouts.loader import DEFAULT_LAYOUT, LoadResult, load_layouts
from panels.layouts.model import CustomPanel, Layout
from panels.models import Arrangement, CockpitPreference, UserCustomPanel
from panels.registry import (
    ANNOTATION_STYLE_INPUTS,
    CUSTOM_PANEL_TYPE,
    PANEL_TYPES,
    RIBBON_ACTIONS,
    USER_CUSTOM_URL_NAME,
)
from pmacore.formats import FORMAT_LABELS
from studio.error_pages import error_page
from studio.forms import form_errors
from studio.lib.csp import content_security_policy

# Where the viewer panel asks for a slide's size and tile URL (the viewer page's data).
VIEWER_INFO_URL_NAME = "panels:slide-info-json"


@login_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    form = CockpitForm(request.GET)
    if not form.is_valid():
        return error_page(request, 400, "Bad cockpit address", form_errors(form))
    result = load_layouts()
    requested = form.cleaned_data["layout"]
    layout = choose_layout(request.user, requested, result)
    user_panels = list(UserCustomPanel.objects.for_user(request.user))
    context = {
        "layout": layout,
        "layouts": result.layouts,
        "tabs": ribbon_tabs(layout, result),
        "layout_notice": layout_notice(requested, layout, result),
        "layout_errors": layout_errors(result) if request.user.is_staff else [],
        "panel_types": [p for p in PANEL_TYPES.values() if p.name != CUSTOM_PANEL_TYPE],
        "user_panels": user_panels,
        "custom_panel_form": UserCustomPanelForm(),
        "annotation_import_formats": list(FORMAT_LABELS.items()),
        "cockpit_data": {
            **cockpit_data(request, layout, form.cleaned_data["slide"], user_panels),
            "live": form.cleaned_data["live"],
        },
    }
    response = render(request, "panels/cockpit.html", context)
    response["Content-Security-Policy"] = content_security_policy(allow_eval=True)
    return response


def usable(layout_id: str, result: LoadResult) -> bool:
    """Whether a layout can be worked in. A file that never loaded is stood in for by the
    built-in layout (so nothing that names it breaks), but nobody is sent there: its ribbon
    has no layout switch and no sharing, and it is not what its file says."""
    layout = result.layouts.get(layout_id)
    return layout is not None and (layout.source != BUILTIN_SOURCE or layout_id == DEFAULT_LAYOUT)


def choose_layout(user: Any, requested: str, result: LoadResult) -> Layout:
    """The layout asked for (and remember it), else the one the user had last, else default;
    a layout asked for that cannot be used gives the default (and is not remembered)."""
    if usable(requested, result):
        CockpitPreference.objects.update_or_create(user=user, defaults={"layout_id": requested})
        return result.layouts[requested]
    if requested:
        return result.layouts[DEFAULT_LAYOUT]
    remembered = CockpitPreference.objects.filter(user=user).first()
    if remembered is not None and usable(remembered.layout_id, result):
        return result.layouts[remembered.layout_id]
    return result.layouts[DEFAULT_LAYOUT]


def layout_notice(requested: str, shown: Layout, result: LoadResult) -> str:
    """Why the cockpit shows another layout than the one asked for, or ""."""
    if not requested or requested == shown.id:
        return ""
    if requested in result.layouts:
        why = f"The layout “{requested}” cannot be used: its file has errors."
    else:
        why = f"There is no layout “{requested}”."
    return f"{why} This is the {shown.title} layout."


def layout_errors(result: LoadResult) -> list[dict[str, str]]:
    """The problems of the layout files, each with what the cockpit does about it."""
    errors = []
    for error in result.errors:
        layout_id = PurePosixPath(error.file).stem
        if usable(layout_id, result):
            outcome = "its last good version is in use"
        elif layout_id == DEFAULT_LAYOUT:
            outcome = "the built-in layout stands in for it"
        else:
            outcome = "it is not offered until the file is fixed"
        errors.append({"text": str(error), "outcome": outcome})
    return errors + [{"text": str(w), "outcome": "the button is disabled"} for w in result.warnings]


def ribbon_tabs(layout: Layout, result: LoadResult) -> list[dict[str, Any]]:
    """The ribbon as the template shows it: each item's params as JSON, dead switches off."""
    tabs = []
    for tab in layout.ribbon.tabs:
        groups = []
        for group in tab.groups:
            items = []
            for item in group.items:
                data = item.to_dict()
                target = item.param("target") if item.action == "layout.switch" else None
                data["params_json"] = json.dumps(data["params"])
                data["disabled"] = target is not None and not usable(target, result)
                data["current"] = target == layout.id
                data["aria_shortcut"] = aria_shortcut(item.shortcut)
                if item.action == "annotations.style":
                    data["input"] = ANNOTATION_STYLE_INPUTS[str(item.param("property"))]
                items.append(data)
            groups.append({"id": group.id, "label": group.label, "items": items})
        tabs.append({"id": tab.id, "label": tab.label, "groups": groups})
    return tabs


def aria_shortcut(shortcut: str | None) -> str:
    """`Ctrl+Shift+S` as aria-keyshortcuts spells it: `Control+Shift+S`."""
    if not shortcut:
        return ""
    return "+".join("Control" if part == "Ctrl" else part for part in shortcut.split("+"))


def cockpit_data(
    request: HttpRequest, layout: Layout, slide: str, user_panels: list[UserCustomPanel]
) -> dict[str, Any]:
    """Everything cockpit.js starts from; goes into the page as JSON."""
    saved = Arrangement.objects.for_user(request.user).filter(layout_id=layout.id).first()
    return {
        "layout": layout.to_dict(),
        "slide": slide,
        "panelTypes": {
            p.name: {
                "title": p.title,
                "slideAware": p.slide_aware,
                "url": reverse_or_none(p.url_name) if p.url_name else None,
            }
            for p in PANEL_TYPES.values()
        },
        "customPanelUrls": {
            leaf.id: reverse_or_none("panels:custom", layout_id=layout.id, panel_id=leaf.id)
            for leaf in layout.panels_list()
            if isinstance(leaf, CustomPanel)
        },
        "userPanels": [user_panel_data(p) for p in user_panels],
        "arrangement": saved.state if saved else None,
        "urls": {
            "arrangement": reverse("cockpit:arrangement", args=[layout.id]),
            "customPanels": reverse("cockpit:custom-panels"),
            "viewerInfo": reverse_or_none(VIEWER_INFO_URL_NAME),
            "home": reverse("home"),
        },
        "actions": sorted(RIBBON_ACTIONS),
    }


def user_panel_data(panel: UserCustomPanel) -> dict[str, Any]:
    return {
        "id": panel.panel_id,
        "pk": panel.pk,
        "title": panel.title,
        "url": reverse_or_none(USER_CUSTOM_URL_NAME, pk=panel.pk),
        "deleteUrl": reverse("cockpit:custom-panel", args=[panel.pk]),
    }


def reverse_or_none(name: str, **kwargs: Any) -> str | None:
    # Panel views arrive app by app; a panel whose view is missing says so instead of
    # taking the whole cockpit down.
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
