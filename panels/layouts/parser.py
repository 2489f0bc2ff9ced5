"""Parse one layout file into a `Layout`, or say exactly what is wrong and where.

Three stages, each reporting file and line:
1. safe XML parsing: DOCTYPE/ENTITY declarations are refused before the parser sees them
   (no XXE, no entity bombs), and the parser itself runs with entities, DTD loading and
   network access off;
2. the XSD schema `layouts/layout.xsd` (structure, attribute types);
3. what a schema cannot say: registered panel types and actions, action attributes, ids
   unique within the file, the id equal to the file name, safe URL templates.
"""

from __future__ import annotations

import functools
import re
import threading
from decimal import Decimal
from pathlib import Path

from lxml import etree

from panels.layouts.errors import InvalidLayout, LayoutError, display_path
from panels.layouts.model import (
    Button,
    Column,
    CustomPanel,
    Field,
    Group,
    Layout,
    Leaf,
    Node,
    PanelRef,
    Preset,
    Ribbon,
    Row,
    Stack,
    Tab,
    Toggle,
)
from panels.lib.url_template import UrlTemplateError, placeholders
from panels.registry import (
    ACTION_ATTRIBUTES,
    CUSTOM_PANEL_TYPE,
    MAX_GRID_SIDE,
    PANEL_TYPES,
    PRESET_SHAPES,
    RIBBON_ACTIONS,
    ActionParam,
)

# The schema ships beside the layout files so that admins' editors can use it too.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "layouts" / "layout.xsd"

# A real layout is a few kilobytes; the cap keeps a mistaken or hostile file cheap to refuse.
MAX_BYTES = 256 * 1024

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_POSITION = re.compile(r", line \d+, column (\d+)$")
_VIEWER_OPTIONS = ("rows", "columns", "sync")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


# A schema keeps its error log on itself, so threads must not validate with it at once.
_schema_lock = threading.Lock()


@functools.cache
def _schema() -> etree.XMLSchema:
    # Parsed once per process; the schema is part of the code, not of the admin's files.
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _safe_parser()))


def parse_layout(path: Path, *, file: str | None = None) -> Layout:
    """Parse `path`; raise InvalidLayout listing every problem found."""
    file = file or display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidLayout([LayoutError(file, None, f"file is larger than {MAX_BYTES} bytes")])
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidLayout([LayoutError(file, None, f"cannot read file: {exc.strerror}")]) from exc
    return parse_layout_bytes(data, file=file, expected_id=path.stem, source=str(path))


def parse_layout_bytes(
    data: bytes, *, file: str, expected_id: str | None = None, source: str = ""
) -> Layout:
    if len(data) > MAX_BYTES:
        raise InvalidLayout([LayoutError(file, None, f"file is larger than {MAX_BYTES} bytes")])
    declaration = _DECLARATION.search(data)
    if declaration:
        line = data.count(b"\n", 0, declaration.start()) + 1
        raise InvalidLayout([LayoutError(file, line, _NO_DTD)])

    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        # libxml2 ends its message with the position; the line already leads our message.
        message = _POSITION.sub(r" (column \1)", exc.msg or str(exc))
        raise InvalidLayout([LayoutError(file, exc.lineno, f"not well-formed: {message}")]) from exc
    # Belt and braces for encodings the byte scan cannot read (UTF-16, say).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InvalidLayout([LayoutError(file, 1, _NO_DTD)])

    with _schema_lock:
        schema = _schema()
        valid = schema.validate(root)
        problems = [(e.line, e.message) for e in schema.error_log]
    if not valid:
        raise InvalidLayout(
            LayoutError(file, line, f"does not match the schema: {message}")
            for line, message in problems
        )
    return _Builder(file, expected_id).build(root, source=source)


_NO_DTD = "DOCTYPE and ENTITY declarations are not allowed in layout files"


class _Builder:
    """Turns a schema-valid tree into model objects, collecting every semantic problem."""

    def __init__(self, file: str, expected_id: str | None) -> None:
        self.file = file
        self.expected_id = expected_id
        self.errors: list[LayoutError] = []
        # Ribbon ids (DOM ids) and panel ids (panel-manager ids) are separate namespaces,
        # so a tab and a panel may both be called "annotations".
        self.ribbon_ids: dict[str, int] = {}
        self.panel_ids: dict[str, int] = {}
        self.shortcuts: dict[str, int] = {}

    def error(self, el: etree._Element, reason: str) -> None:
        self.errors.append(LayoutError(self.file, el.sourceline, reason))

    def claim_id(self, el: etree._Element, id_: str, ids: dict[str, int]) -> None:
        if id_ in ids:
            self.error(el, f"duplicate id '{id_}' (first used on line {ids[id_]})")
        else:
            ids[id_] = el.sourceline or 0

    def build(self, root: etree._Element, *, source: str) -> Layout:
        layout_id = root.get("id", "")
        if self.expected_id is not None and layout_id != self.expected_id:
            self.error(
                root, f"layout id '{layout_id}' must match the file name '{self.expected_id}'"
            )
        ribbon = self.ribbon(root.find("ribbon"))
        panels = self.node(root.find("panels")[0])
        presets_el = root.find("annotation-presets")
        presets = self.presets(presets_el) if presets_el is not None else ()
        self.check_preset_buttons(ribbon, presets)
        if self.errors:
            raise InvalidLayout(self.errors)
        return Layout(
            id=layout_id,
            title=root.get("title", ""),
            ribbon=ribbon,
            panels=panels,
            presets=presets,
            source=source,
        )

    # Ribbon ------------------------------------------------------------------------------

    def ribbon(self, el: etree._Element) -> Ribbon:
        tabs = []
        for tab_el in el:
            self.claim_id(tab_el, tab_el.get("id"), self.ribbon_ids)
            groups = []
            for group_el in tab_el:
                self.claim_id(group_el, group_el.get("id"), self.ribbon_ids)
                items = tuple(self.item(item_el) for item_el in group_el)
                groups.append(Group(group_el.get("id"), group_el.get("label"), items))
            tabs.append(Tab(tab_el.get("id"), tab_el.get("label"), tuple(groups)))
        return Ribbon(tuple(tabs))

    def item(self, el: etree._Element) -> Button:
        self.claim_id(el, el.get("id"), self.ribbon_ids)
        shortcut = el.get("shortcut")
        if shortcut is not None:
            if shortcut in self.shortcuts:
                self.error(
                    el, f"shortcut '{shortcut}' is already used on line {self.shortcuts[shortcut]}"
                )
            else:
                self.shortcuts[shortcut] = el.sourceline or 0

        name = el.get("action")
        params: list[tuple[str, str | int]] = []
        action = RIBBON_ACTIONS.get(name)
        if action is None:
            self.error(el, f"unknown action '{name}'")
        else:
            if action.kind != el.tag:
                self.error(el, f"action '{name}' is a {action.kind}: use <{action.kind}>")
            for param in action.params:
                raw = el.get(param.name)
                if raw is None:
                    if param.required:
                        self.error(el, f"action '{name}' needs the attribute '{param.name}'")
                    continue
                value = self.param_value(el, name, param, raw)
                if value is not None:
                    params.append((param.name, value))
            for attr in el.attrib:
                if attr in ACTION_ATTRIBUTES and action.param(attr) is None:
                    self.error(el, f"action '{name}' does not use the attribute '{attr}'")

        common = {
            "id": el.get("id"),
            "action": name,
            "label": el.get("label"),
            "icon": el.get("icon"),
            "shortcut": shortcut,
            "params": tuple(params),
            "line": el.sourceline or 0,
        }
        if el.tag == "toggle":
            return Toggle(**common, pressed=_boolean(el.get("pressed", "false")))
        if el.tag == "field":
            return Field(**common)
        return Button(**common)

    def param_value(
        self, el: etree._Element, action: str, param: ActionParam, raw: str
    ) -> str | int | None:
        where = f"attribute '{param.name}' of action '{action}'"
        if param.choices and raw not in param.choices:
            self.error(el, f"{where} must be one of {', '.join(param.choices)}, not '{raw}'")
            return None
        if param.kind == "int":
            value = int(raw)  # the schema has checked it is an integer
            low, high = param.minimum, param.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                self.error(el, f"{where} must be between {low} and {high}, not {value}")
                return None
            return value
        if param.kind == "panel" and (raw not in PANEL_TYPES or raw == CUSTOM_PANEL_TYPE):
            self.error(el, f"{where}: unknown panel type '{raw}'")
            return None
        # "layout" targets are checked by the loader, which knows every layout file; "preset"
        # classes once the file's presets are read (check_preset_buttons).
        return raw

    # Panels ------------------------------------------------------------------------------

    def node(self, el: etree._Element) -> Node:
        if el.tag in ("row", "column"):
            if el.get("id"):
                self.claim_id(el, el.get("id"), self.panel_ids)
            cls = Row if el.tag == "row" else Column
            children = tuple(self.node(child) for child in el)
            return cls(children=children, id=el.get("id"), size=_size(el))
        if el.tag == "stack":
            return self.stack(el)
        return self.leaf(el)

    def stack(self, el: etree._Element) -> Stack:
        if el.get("id"):
            self.claim_id(el, el.get("id"), self.panel_ids)
        children = tuple(self.leaf(child) for child in el)
        active = el.get("active")
        if active is not None and active not in {c.id for c in children}:
            self.error(el, f"stack active '{active}' is not one of its panels")
        return Stack(children=children, id=el.get("id"), size=_size(el), active=active)

    def leaf(self, el: etree._Element) -> Leaf:
        if el.tag == "custom-panel":
            self.claim_id(el, el.get("id"), self.panel_ids)
            template = el.get("url-template")
            try:
                placeholders(template)
            except UrlTemplateError as exc:
                self.error(el, f"bad url-template: {exc}")
            return CustomPanel(
                id=el.get("id"), title=el.get("title"), url_template=template, size=_size(el)
            )

        panel_type = el.get("type")
        known = PANEL_TYPES.get(panel_type)
        if known is None:
            self.error(el, f"unknown panel type '{panel_type}'")
        elif panel_type == CUSTOM_PANEL_TYPE:
            self.error(el, "custom panels are declared with <custom-panel url-template=...>")
        panel_id = el.get("id") or panel_type
        self.claim_id(el, panel_id, self.panel_ids)

        options: tuple[tuple[str, str | int | bool], ...] = ()
        if panel_type == "viewer":
            options = (
                ("rows", self.grid_side(el, "rows")),
                ("columns", self.grid_side(el, "columns")),
                ("sync", _boolean(el.get("sync", "false"))),
            )
        else:
            for attr in _VIEWER_OPTIONS:
                if el.get(attr) is not None:
                    self.error(el, f"attribute '{attr}' applies to viewer panels only")
        return PanelRef(
            id=panel_id,
            type=panel_type,
            title=el.get("title") or (known.title if known else panel_type),
            size=_size(el),
            options=options,
        )

    def grid_side(self, el: etree._Element, attr: str) -> int:
        value = int(el.get(attr, "1"))
        if value > MAX_GRID_SIDE:
            self.error(el, f"viewer {attr} must be between 1 and {MAX_GRID_SIDE}, not {value}")
        return value

    # Presets -----------------------------------------------------------------------------

    def presets(self, el: etree._Element) -> tuple[Preset, ...]:
        seen: dict[str, int] = {}
        presets = []
        for preset_el in el:
            class_name = preset_el.get("class")
            key = class_name.casefold()
            if key in seen:
                self.error(preset_el, f"duplicate preset class '{class_name}' (line {seen[key]})")
            seen[key] = preset_el.sourceline or 0
            shape = preset_el.get("shape", "polygon")
            if shape not in PRESET_SHAPES:
                self.error(
                    preset_el,
                    f"preset shape must be one of {', '.join(PRESET_SHAPES)}, not '{shape}'",
                )
            color = _rgba(preset_el.get("color"))
            presets.append(
                Preset(
                    class_name=class_name,
                    color=color,
                    fill=_fill(preset_el, color),
                    line_width=float(Decimal(preset_el.get("line-width", "2"))),
                    shape=shape,
                )
            )
        return tuple(presets)

    def check_preset_buttons(self, ribbon: Ribbon, presets: tuple[Preset, ...]) -> None:
        classes = {preset.class_name for preset in presets}
        for item in ribbon.items():
            wanted = item.param("preset")
            if item.action == "annotations.preset" and wanted not in classes:
                self.errors.append(
                    LayoutError(self.file, item.line, f"no annotation preset has class '{wanted}'")
                )


def _size(el: etree._Element) -> float:
    return float(Decimal(el.get("size", "1")))


def _boolean(raw: str) -> bool:
    # xs:boolean, already validated: true, false, 1 or 0.
    return raw.strip() in ("true", "1")


def _fill(el: etree._Element, color: str) -> str | None:
    """The fill as #RRGGBBAA: `fill-opacity` (0 to 1) sets its alpha, and alone means the
    edge colour at that opacity."""
    fill, opacity = el.get("fill"), el.get("fill-opacity")
    if opacity is None:
        return _rgba(fill) if fill else None
    alpha = round(float(Decimal(opacity)) * 255)
    return f"{_rgba(fill or color)[:7]}{alpha:02X}"


def _rgba(raw: str) -> str:
    """#RRGGBB or #RRGGBBAA to #RRGGBBAA, so consumers handle one form."""
    raw = raw.strip().upper()
    return raw if len(raw) == 9 else raw + "FF"
