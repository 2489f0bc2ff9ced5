"""Typed, immutable form of a layout file (see `layouts/README.md` for the XML).

`Layout.to_dict()` is what the browser's panel manager receives, as JSON:

    {
      "id": "default",
      "title": "Default",
      "ribbon": {"tabs": [
        {"id": "home", "label": "Home", "groups": [
          {"id": "layout", "label": "Layout", "items": [
            {"kind": "button", "id": "to-reading", "action": "layout.switch",
             "label": "Reading", "icon": "columns", "shortcut": null,
             "params": {"target": "reading"}},
            {"kind": "toggle", "id": "navigator", "action": "viewport.navigator",
             "label": "Navigator", "icon": null, "shortcut": null, "params": {},
             "pressed": true}
          ]}
        ]}
      ]},
      "panels": {"kind": "row", "id": null, "size": 1.0, "children": [
        {"kind": "panel", "id": "browser", "type": "browser", "title": "Slide browser",
         "size": 1.0, "slide_aware": false, "options": {}},
        {"kind": "panel", "id": "viewer", "type": "viewer", "title": "Viewer",
         "size": 3.0, "slide_aware": true, "options": {"rows": 1, "columns": 1, "sync": false}},
        {"kind": "stack", "id": "details", "size": 1.0, "active": "info", "children": [
          {"kind": "panel", "id": "label-demo", "type": "custom", "title": "Label (demo)",
           "size": 1.0, "slide_aware": true, "options": {},
           "url_template": "{server}/panels/demo/label/?slide={slide}&token={token}"}
        ]}
      ]},
      "presets": [{"class": "Tumor", "color": "#FF0000FF", "fill": "#FF000033",
                   "line_width": 2.0, "shape": "polygon"}]
    }

- `kind` is one of `row` (children side by side), `column` (children stacked vertically),
  `stack` (tabbed, one child visible: `active`) and `panel`.
- `size` is a relative weight among siblings: sizes 1 and 3 split the space 25 % / 75 %.
  Panels inside a stack always have size 1.0.
- `params` holds the action's attributes with their types (`rows`/`columns` are ints).
- Colours are always `#RRGGBBAA`, upper case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from panels.registry import PANEL_TYPES

ParamValue = str | int


@dataclass(frozen=True)
class Button:
    id: str
    action: str
    label: str
    icon: str | None = None
    shortcut: str | None = None
    params: tuple[tuple[str, ParamValue], ...] = ()
    # Kept so that problems found across files (a switch to a deleted layout) name a line.
    line: int = field(default=0, compare=False, repr=False)

    def param(self, name: str) -> ParamValue | None:
        return dict(self.params).get(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "button",
            "id": self.id,
            "action": self.action,
            "label": self.label,
            "icon": self.icon,
            "shortcut": self.shortcut,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class Toggle(Button):
    pressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "kind": "toggle", "pressed": self.pressed}


@dataclass(frozen=True)
class Field(Button):
    """An input of the ribbon (a colour, a number, a text) whose action takes its value."""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "kind": "field"}


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    items: tuple[Button, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class Tab:
    id: str
    label: str
    groups: tuple[Group, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "groups": [g.to_dict() for g in self.groups]}


@dataclass(frozen=True)
class Ribbon:
    tabs: tuple[Tab, ...]

    def items(self) -> Iterator[Button]:
        for tab in self.tabs:
            for group in tab.groups:
                yield from group.items

    def to_dict(self) -> dict[str, Any]:
        return {"tabs": [t.to_dict() for t in self.tabs]}


@dataclass(frozen=True)
class PanelRef:
    """A panel of a registered type; the viewer also carries its grid (rows by columns)."""

    id: str
    type: str
    title: str
    size: float = 1.0
    options: tuple[tuple[str, ParamValue | bool], ...] = ()

    @property
    def slide_aware(self) -> bool:
        return PANEL_TYPES[self.type].slide_aware

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "panel",
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "size": self.size,
            "slide_aware": self.slide_aware,
            "options": dict(self.options),
        }


@dataclass(frozen=True)
class CustomPanel:
    """An iframe panel whose URL is expanded from `url_template` for the current slide."""

    id: str
    title: str
    url_template: str
    size: float = 1.0
    type: Literal["custom"] = "custom"

    @property
    def slide_aware(self) -> bool:
        return PANEL_TYPES[self.type].slide_aware

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "panel",
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "size": self.size,
            "slide_aware": self.slide_aware,
            "options": {},
            "url_template": self.url_template,
        }


Leaf = PanelRef | CustomPanel


@dataclass(frozen=True)
class Stack:
    """Tabbed panels, one visible at a time."""

    children: tuple[Leaf, ...]
    id: str | None = None
    size: float = 1.0
    active: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "stack",
            "id": self.id,
            "size": self.size,
            "active": self.active or self.children[0].id,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Split:
    """Children laid out along one axis; `kind` says which, sizes are relative weights."""

    children: tuple[Node, ...]
    id: str | None = None
    size: float = 1.0
    kind: Literal["row", "column"] = "row"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "size": self.size,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Row(Split):
    """Children side by side, left to right."""

    kind: Literal["row", "column"] = "row"


@dataclass(frozen=True)
class Column(Split):
    """Children one above the other, top to bottom."""

    kind: Literal["row", "column"] = "column"


Node = Row | Column | Stack | PanelRef | CustomPanel


def iter_leaves(node: Node) -> Iterator[Leaf]:
    if isinstance(node, PanelRef | CustomPanel):
        yield node
    else:
        for child in node.children:
            yield from iter_leaves(child)


@dataclass(frozen=True)
class Preset:
    """An annotation class with its colours and the shape it is drawn with; a ribbon button
    (`annotations.preset`) starts drawing one. `fill` carries the fill opacity as its alpha."""

    class_name: str
    color: str
    fill: str | None = None
    line_width: float = 2.0
    shape: str = "polygon"

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.class_name,
            "color": self.color,
            "fill": self.fill,
            "line_width": self.line_width,
            "shape": self.shape,
        }


@dataclass(frozen=True)
class Layout:
    id: str
    title: str
    ribbon: Ribbon
    panels: Node
    presets: tuple[Preset, ...] = ()
    # Where it came from: a file path, or "<built-in>" for the fallback layout.
    source: str = field(default="", compare=False)

    def panels_list(self) -> list[Leaf]:
        return list(iter_leaves(self.panels))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "ribbon": self.ribbon.to_dict(),
            "panels": self.panels.to_dict(),
            "presets": [p.to_dict() for p in self.presets],
        }
