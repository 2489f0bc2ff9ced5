"""Input of the cockpit: its query string, a saved panel arrangement, a user's custom panel."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panels.lib.url_template import UrlTemplateError, placeholders
from panels.models import MAX_ARRANGEMENT_BYTES, UserCustomPanel
from panels.registry import PANEL_TYPES
from studio.forms import PathField

LAYOUT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$"
# Deeper than any arrangement a person builds by dragging; bounds the recursion below.
MAX_GRID_DEPTH = 24
MAX_PANELS = 100


class CockpitForm(forms.Form):
    layout = forms.RegexField(regex=LAYOUT_ID_PATTERN, required=False)
    slide = PathField(required=False)
    # A live session to join in the cockpit (its viewer follows the driver).
    live = forms.SlugField(max_length=64, required=False)


class UserCustomPanelForm(forms.ModelForm):
    class Meta:
        model = UserCustomPanel
        fields = ["title", "url_template"]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the panel a title.")
        return title

    def clean_url_template(self) -> str:
        template: str = self.cleaned_data["url_template"].strip()
        try:
            placeholders(template)
        except UrlTemplateError as e:
            raise ValidationError(str(e)) from e
        return template


def parse_arrangement(body: bytes) -> dict[str, Any]:
    """The panel manager's serialized state from a request body, or ValueError.

    Only the outline is checked (a grid of branches and leaves, panels of known types): the
    browser restores the rest, and a state it cannot restore is thrown away there.
    """
    if len(body) > MAX_ARRANGEMENT_BYTES:
        raise ValueError(f"the arrangement is larger than {MAX_ARRANGEMENT_BYTES} bytes")
    try:
        state = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not JSON: {e}") from e
    except RecursionError:
        raise ValueError("not JSON: nested too deeply") from None
    if not isinstance(state, dict):
        raise ValueError("the arrangement must be a JSON object")
    grid = state.get("grid")
    if not isinstance(grid, dict) or not isinstance(grid.get("root"), dict):
        raise ValueError("the arrangement has no grid.root")
    if grid["root"].get("type") != "branch":
        raise ValueError("grid.root must be a branch")
    views = _grid_views(grid["root"], depth=0)
    panels = state.get("panels")
    if not isinstance(panels, dict) or len(panels) > MAX_PANELS:
        raise ValueError(f"panels must be an object of at most {MAX_PANELS} panels")
    for panel_id, panel in panels.items():
        _check_panel(panel_id, panel)
    missing = views - panels.keys()
    if missing:
        raise ValueError(f"the grid shows panels that are not listed: {sorted(missing)}")
    return state


def _grid_views(node: Any, depth: int) -> set[str]:
    if depth > MAX_GRID_DEPTH:
        raise ValueError("the grid is nested too deeply")
    if not isinstance(node, dict) or not isinstance(node.get("data"), list | dict):
        raise ValueError("every grid node needs data")
    if node.get("type") == "branch":
        views: set[str] = set()
        for child in node["data"]:
            views |= _grid_views(child, depth + 1)
        return views
    if node.get("type") == "leaf":
        group = node["data"]
        names = group.get("views") if isinstance(group, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError("every group needs a list of views")
        return set(names)
    raise ValueError("grid nodes are branches or leaves")


def _check_panel(panel_id: str, panel: Any) -> None:
    if not isinstance(panel, dict) or panel.get("id") != panel_id:
        raise ValueError(f"panel {panel_id!r} is malformed")
    params = panel.get("params")
    if not isinstance(params, dict) or params.get("type") not in PANEL_TYPES:
        raise ValueError(f"panel {panel_id!r} has no known type")
