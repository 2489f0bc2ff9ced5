"""What a layout file may name: panel types and ribbon actions.

Layout files are checked against these registries when they are loaded, so a typo in an
admin's XML shows up in `manage.py check` rather than as a dead button in the browser. The
cockpit's JavaScript implements one handler per action named here; adding an action means
adding it here, to `layouts/layout.xsd` if it takes a new attribute, and to the JS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ItemKind = Literal["button", "toggle", "field"]
ParamKind = Literal["int", "choice", "layout", "panel", "preset"]


@dataclass(frozen=True)
class PanelType:
    name: str
    title: str
    # Slide-aware panels re-render when the selected slide changes.
    slide_aware: bool
    # The URL name of the view that renders the panel's content (loaded with htmx into the
    # panel), or None for panels the cockpit's JavaScript mounts itself (the viewer and the
    # live session).
    # Custom panels are reversed with `layout_id` and `panel_id`, or as USER_CUSTOM_URL_NAME
    # with `pk` for the ones a user defined.
    url_name: str | None


PANEL_TYPES: dict[str, PanelType] = {
    p.name: p
    for p in (
        PanelType("browser", "Slide browser", slide_aware=False, url_name="panels:browser"),
        PanelType("viewer", "Viewer", slide_aware=True, url_name=None),
        PanelType("info", "Slide info", slide_aware=True, url_name="panels:info"),
        PanelType("thumbnail", "Thumbnail", slide_aware=True, url_name="panels:thumbnail"),
        PanelType("label", "Label", slide_aware=True, url_name="panels:label"),
        PanelType("macro", "Macro", slide_aware=True, url_name="panels:macro"),
        PanelType("annotations", "Annotations", slide_aware=True, url_name="panels:annotations"),
        PanelType("shared-links", "Shared links", slide_aware=False, url_name="sharing:panel"),
        PanelType("live", "Live session", slide_aware=False, url_name=None),
        PanelType("custom", "Custom panel", slide_aware=True, url_name="panels:custom"),
    )
}

# Only <custom-panel> (which carries a url-template) may create a panel of this type.
CUSTOM_PANEL_TYPE = "custom"
USER_CUSTOM_URL_NAME = "panels:user-custom"


@dataclass(frozen=True)
class ActionParam:
    """An XML attribute an action reads from its button, e.g. `rows` for `grid.set`.

    `choices` lists the allowed values as written in XML (also for ints); `layout` names
    another layout's id, `panel` a registered panel type and `preset` the class of one of
    the file's annotation presets.
    """

    name: str
    kind: ParamKind
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class RibbonAction:
    name: str
    # A toggle keeps pressed/unpressed state (navigator on/off); a button fires once; a
    # field is an input whose value is handed over when it changes.
    kind: ItemKind
    params: tuple[ActionParam, ...] = ()

    def param(self, name: str) -> ActionParam | None:
        return next((p for p in self.params if p.name == name), None)


ANNOTATION_SHAPES = (
    "rectangle",
    "circle",
    "ellipse",
    "polygon",
    "freehand",
    "line",
    "arrow",
    "point",
)

# What an `annotations.style` field sets, on the selected annotation or else the next one,
# and the input it is shown as.
ANNOTATION_STYLE_INPUTS: dict[str, dict[str, str | int]] = {
    "color": {"type": "color"},
    "fill": {"type": "color"},
    "fill-opacity": {"type": "range", "min": 0, "max": 100, "step": 5},
    "line-width": {"type": "number", "min": 1, "max": 20, "step": 1},
    "class": {"type": "text", "maxlength": 200, "list": "annotation-classes"},
    "description": {"type": "text", "maxlength": 1000},
}

# The shapes an annotation preset may draw with (an arrow is not an annotation of its own).
PRESET_SHAPES = tuple(shape for shape in ANNOTATION_SHAPES if shape != "arrow")

# The grid viewer stays usable up to this many rows or columns on one screen.
MAX_GRID_SIDE = 6

RIBBON_ACTIONS: dict[str, RibbonAction] = {
    a.name: a
    for a in (
        RibbonAction("layout.switch", "button", (ActionParam("target", "layout"),)),
        RibbonAction("layout.more", "button"),
        RibbonAction("layout.reset", "button"),
        RibbonAction("share.slide", "button"),
        RibbonAction("share.folder", "button"),
        RibbonAction("share.grid", "button"),
        RibbonAction("share.dialog", "button"),
        RibbonAction("viewport.navigator", "toggle"),
        RibbonAction("viewport.scalebar", "toggle"),
        RibbonAction("viewport.overview", "toggle"),
        RibbonAction(
            "viewport.rotate",
            "button",
            (ActionParam("degrees", "int", required=False, choices=("90", "-90", "180")),),
        ),
        RibbonAction(
            "viewport.flip",
            "button",
            (ActionParam("axis", "choice", choices=("horizontal", "vertical")),),
        ),
        RibbonAction(
            "grid.set",
            "button",
            (
                ActionParam("rows", "int", minimum=1, maximum=MAX_GRID_SIDE),
                ActionParam("columns", "int", minimum=1, maximum=MAX_GRID_SIDE),
            ),
        ),
        RibbonAction("grid.sync", "toggle"),
        RibbonAction(
            "annotations.draw",
            "button",
            (ActionParam("shape", "choice", choices=ANNOTATION_SHAPES),),
        ),
        RibbonAction("annotations.preset", "button", (ActionParam("preset", "preset"),)),
        RibbonAction(
            "annotations.style",
            "field",
            (ActionParam("property", "choice", choices=tuple(ANNOTATION_STYLE_INPUTS)),),
        ),
        RibbonAction("annotations.visible", "toggle"),
        RibbonAction("annotations.labels", "toggle"),
        RibbonAction("annotations.copies", "button"),
        RibbonAction("annotations.export", "button"),
        RibbonAction("annotations.import", "button"),
        RibbonAction("annotations.delete", "button"),
        RibbonAction("annotations.undo", "button"),
        RibbonAction("annotations.redo", "button"),
        RibbonAction("panels.toggle", "toggle", (ActionParam("panel", "panel"),)),
        RibbonAction("live.start", "button"),
        RibbonAction("live.highlight", "button"),
        RibbonAction("live.clear", "button"),
    )
}

# Every attribute any action reads; an action attribute on an item whose action does not
# read it is reported, because it is almost always a copy-paste slip.
ACTION_ATTRIBUTES = frozenset(p.name for a in RIBBON_ACTIONS.values() for p in a.params)
