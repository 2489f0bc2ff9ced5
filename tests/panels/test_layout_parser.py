from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from panels.layouts.builtin import builtin_layout
from panels.layouts.errors import InvalidLayout, LayoutError
from panels.layouts.model import (
    Button,
    Column,
    CustomPanel,
    Field,
    PanelRef,
    Row,
    Stack,
    Toggle,
)
from panels.layouts.parser import MAX_BYTES, parse_layout
from panels.registry import PANEL_TYPES, RIBBON_ACTIONS
from tests.panels.conftest import MINIMAL_PANELS, MINIMAL_RIBBON, layout_xml, line_of, write

SHIPPED = sorted(Path(settings.BASE_DIR, "layouts").glob("*.xml"))


def errors_of(path: Path) -> tuple[LayoutError, ...]:
    with pytest.raises(InvalidLayout) as caught:
        parse_layout(path)
    return caught.value.errors


def only_error(path: Path) -> LayoutError:
    errors = errors_of(path)
    assert len(errors) == 1, errors
    return errors[0]


def test_shipped_layouts_are_found() -> None:
    assert {p.stem for p in SHIPPED} >= {"default", "reading", "review"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_layout_loads(path: Path) -> None:
    layout = parse_layout(path)

    assert layout.id == path.stem
    assert [t.label for t in layout.ribbon.tabs] == ["Home", "Grid", "Annotations", "Configure"]
    assert any(p.type == "viewer" for p in layout.panels_list())


def test_default_layout_has_the_ribbon_and_panels_of_the_issue() -> None:
    layout = parse_layout(Path(settings.BASE_DIR, "layouts", "default.xml"))

    home = layout.ribbon.tabs[0]
    assert [g.label for g in home.groups] == ["Layout", "Share", "Viewport", "Live"]
    switches = [i.param("target") for i in home.groups[0].items if i.action == "layout.switch"]
    assert switches == ["default", "reading", "review", "tls-protocol"]
    toggled = {i.param("panel") for i in layout.ribbon.items() if i.action == "panels.toggle"}
    assert toggled == set(PANEL_TYPES) - {"custom"}
    assert {p.type for p in layout.panels_list()} == set(PANEL_TYPES)
    demo = next(p for p in layout.panels_list() if isinstance(p, CustomPanel))
    assert demo.url_template == "{server}/panels/demo/label/?slide={slide}&token={token}"


def test_builtin_layout_is_valid_and_usable_under_another_name() -> None:
    standin = builtin_layout("reading")

    assert standin.id == "reading"
    assert standin.ribbon == builtin_layout().ribbon
    assert all(i.action in RIBBON_ACTIONS for i in standin.ribbon.items())


def test_it_parses_into_typed_objects(layouts_dir: Path) -> None:
    ribbon = """\
  <ribbon>
    <tab id="grid" label="Grid">
      <group id="size" label="Size">
        <button id="g23" action="grid.set" rows="2" columns="3" label="2 x 3" shortcut="Alt+4"/>
        <toggle id="sync" action="grid.sync" label="Sync" pressed="true" icon="sync"/>
        <button id="rot" action="viewport.rotate" label="Rotate"/>
      </group>
    </tab>
  </ribbon>
"""
    panels = """\
  <panels>
    <column>
      <panel type="viewer" id="v" rows="2" columns="2" sync="1" size="2.5"/>
      <stack id="side" active="notes">
        <panel type="info"/>
        <custom-panel id="notes" title="Notes" url-template="https://lims.example.org/n?s={slide}"/>
      </stack>
    </column>
  </panels>
"""
    presets = """\
  <annotation-presets>
    <preset class="Tumor" color="#ff0000" fill="#FF000033" line-width="1.5"/>
  </annotation-presets>
"""
    path = write(
        layouts_dir / "typed.xml", layout_xml("typed", ribbon=ribbon, panels=panels, extra=presets)
    )

    layout = parse_layout(path)

    grid_set, sync, rotate = layout.ribbon.tabs[0].groups[0].items
    assert grid_set == Button(
        "g23", "grid.set", "2 x 3", shortcut="Alt+4", params=(("rows", 2), ("columns", 3))
    )
    assert isinstance(sync, Toggle)
    assert sync.pressed is True
    assert sync.icon == "sync"
    assert rotate.params == ()  # degrees is optional
    assert isinstance(layout.panels, Column)
    viewer, stack = layout.panels.children
    assert viewer == PanelRef(
        "v", "viewer", "Viewer", size=2.5, options=(("rows", 2), ("columns", 2), ("sync", True))
    )
    assert isinstance(stack, Stack)
    assert stack.active == "notes"
    assert [c.id for c in stack.children] == ["info", "notes"]
    assert layout.presets[0].color == "#FF0000FF"
    assert layout.presets[0].fill == "#FF000033"
    assert layout.presets[0].line_width == 1.5


def test_to_dict_is_json_and_keeps_the_key_information() -> None:
    layout = parse_layout(Path(settings.BASE_DIR, "layouts", "review.xml"))

    data = json.loads(json.dumps(layout.to_dict()))

    assert data == layout.to_dict()
    assert data["id"] == "review"
    assert data["title"] == "Review"
    items = {
        item["id"]: item
        for tab in data["ribbon"]["tabs"]
        for group in tab["groups"]
        for item in group["items"]
    }
    assert items["grid-2x3"] == {
        "kind": "button",
        "id": "grid-2x3",
        "action": "grid.set",
        "label": "2 \u00d7 3",  # the multiplication sign, as in the file
        "icon": "grid-2x3",
        "shortcut": "Alt+4",
        "params": {"rows": 2, "columns": 3},
    }
    assert items["grid-sync"]["kind"] == "toggle"
    assert items["grid-sync"]["pressed"] is True
    assert items["to-reading"]["params"] == {"target": "reading"}
    root = data["panels"]
    assert root["kind"] == "row"
    assert [c["kind"] for c in root["children"]] == ["panel", "panel", "column"]
    viewer = root["children"][1]
    assert viewer["type"] == "viewer"
    assert viewer["options"] == {"rows": 2, "columns": 2, "sync": True}
    assert viewer["size"] == 4.0
    assert viewer["slide_aware"] is True
    assert [c["id"] for c in root["children"][2]["children"]] == ["annotations", "info"]
    assert data["presets"][0] == {
        "class": "Tumor",
        "color": "#E53935FF",
        "fill": "#E5393533",
        "line_width": 2.0,
        "shape": "polygon",
    }


def test_to_dict_of_a_stack_names_its_active_panel_and_custom_url() -> None:
    layout = parse_layout(Path(settings.BASE_DIR, "layouts", "default.xml"))

    stack = layout.to_dict()["panels"]["children"][2]

    assert stack["kind"] == "stack"
    assert stack["active"] == "info"
    custom = stack["children"][-1]
    assert custom["type"] == "custom"
    assert custom["url_template"].startswith("{server}/panels/demo/label/")


def test_error_message_names_file_line_and_reason(layouts_dir: Path) -> None:
    text = layout_xml(panels=MINIMAL_PANELS.replace('type="browser"', 'type="slidez"'))
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    line = line_of(text, "slidez")
    assert str(error) == f"layouts/bad.xml:{line}: unknown panel type 'slidez'"


BAD_PANELS = {
    "unknown panel type": (
        MINIMAL_PANELS.replace('type="browser"', 'type="slidez"'),
        "slidez",
        "unknown panel type 'slidez'",
    ),
    "custom type without url": (
        MINIMAL_PANELS.replace('type="browser"', 'type="custom"'),
        'type="custom"',
        "custom panels are declared with <custom-panel url-template=...>",
    ),
    "duplicate panel id": (
        MINIMAL_PANELS.replace('type="browser"', 'type="viewer"'),
        'size="3"',
        "duplicate id 'viewer' (first used on line 12)",
    ),
    "javascript url": (
        MINIMAL_PANELS.replace(
            '<panel type="browser"/>',
            '<custom-panel id="x" title="X" url-template="javascript:alert({slide})"/>',
        ),
        "javascript:",
        "bad url-template: only http and https URLs (or ones starting with {server}) "
        "are allowed, not 'javascript:'",
    ),
    "unknown placeholder": (
        MINIMAL_PANELS.replace(
            '<panel type="browser"/>',
            '<custom-panel id="x" title="X" url-template="https://x.org/?s={session}"/>',
        ),
        "{session}",
        "bad url-template: unknown placeholder '{session}' "
        "(allowed: {folder}, {server}, {slide}, {token}, {uid})",
    ),
    "templated host": (
        MINIMAL_PANELS.replace(
            '<panel type="browser"/>',
            '<custom-panel id="x" title="X" url-template="https://{slide}.evil.org/"/>',
        ),
        "evil.org",
        "bad url-template: the host of the URL template must be written out, not templated",
    ),
    "viewer option on another panel": (
        MINIMAL_PANELS.replace('type="browser"', 'type="info" rows="2"'),
        'rows="2"',
        "attribute 'rows' applies to viewer panels only",
    ),
    "stack active not a child": (
        MINIMAL_PANELS.replace(
            '<panel type="browser"/>', '<stack active="macro"><panel type="info"/></stack>'
        ),
        'active="macro"',
        "stack active 'macro' is not one of its panels",
    ),
}


@pytest.mark.parametrize("case", BAD_PANELS, ids=str)
def test_it_rejects_bad_panels(layouts_dir: Path, case: str) -> None:
    panels, marker, reason = BAD_PANELS[case]
    text = layout_xml(panels=panels)
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error == LayoutError("layouts/bad.xml", line_of(text, marker), reason)


def ribbon_with(item: str) -> str:
    return MINIMAL_RIBBON.replace(
        '<button id="layout-reset" action="layout.reset" label="Reset"/>', item
    )


BAD_ITEMS = {
    "unknown action": (
        '<button id="b" action="layout.explode" label="Boom"/>',
        "unknown action 'layout.explode'",
    ),
    "toggle action on a button": (
        '<button id="b" action="viewport.navigator" label="Nav"/>',
        "action 'viewport.navigator' is a toggle: use <toggle>",
    ),
    "missing action attribute": (
        '<button id="b" action="grid.set" rows="2" label="Grid"/>',
        "action 'grid.set' needs the attribute 'columns'",
    ),
    "attribute of another action": (
        '<button id="b" action="layout.reset" rows="2" label="Reset"/>',
        "action 'layout.reset' does not use the attribute 'rows'",
    ),
    "value out of range": (
        '<button id="b" action="grid.set" rows="9" columns="1" label="Grid"/>',
        "attribute 'rows' of action 'grid.set' must be between 1 and 6, not 9",
    ),
    "value not a choice": (
        '<button id="b" action="annotations.draw" shape="star" label="Star"/>',
        "attribute 'shape' of action 'annotations.draw' must be one of "
        "rectangle, circle, ellipse, polygon, freehand, line, arrow, point, not 'star'",
    ),
    "field action on a button": (
        '<button id="b" action="annotations.style" property="color" label="Edge"/>',
        "action 'annotations.style' is a field: use <field>",
    ),
    "style property not a choice": (
        '<field id="b" action="annotations.style" property="opacity" label="Opacity"/>',
        "attribute 'property' of action 'annotations.style' must be one of "
        "color, fill, fill-opacity, line-width, class, description, not 'opacity'",
    ),
    "unknown panel to toggle": (
        '<toggle id="b" action="panels.toggle" panel="slidez" label="S"/>',
        "attribute 'panel' of action 'panels.toggle': unknown panel type 'slidez'",
    ),
}


@pytest.mark.parametrize("case", BAD_ITEMS, ids=str)
def test_it_rejects_bad_ribbon_items(layouts_dir: Path, case: str) -> None:
    item, reason = BAD_ITEMS[case]
    text = layout_xml(ribbon=ribbon_with(item))
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error == LayoutError("layouts/bad.xml", line_of(text, 'id="b"'), reason)


def test_it_rejects_duplicate_ribbon_ids_and_shortcuts(layouts_dir: Path) -> None:
    items = (
        '<button id="same" action="share.slide" label="A" shortcut="Ctrl+S"/>\n'
        '        <button id="same" action="share.folder" label="B"/>\n'
        '        <button id="other" action="share.grid" label="C" shortcut="Ctrl+S"/>'
    )
    text = layout_xml(ribbon=ribbon_with(items))
    write(layouts_dir / "bad.xml", text)

    errors = errors_of(layouts_dir / "bad.xml")

    first = line_of(text, 'id="same"')
    assert [str(e) for e in errors] == [
        f"layouts/bad.xml:{first + 1}: duplicate id 'same' (first used on line {first})",
        f"layouts/bad.xml:{first + 2}: shortcut 'Ctrl+S' is already used on line {first}",
    ]


def test_a_tab_and_a_panel_may_share_an_id(layouts_dir: Path) -> None:
    ribbon = MINIMAL_RIBBON.replace('<tab id="home"', '<tab id="viewer"')
    write(layouts_dir / "fine.xml", layout_xml("fine", ribbon=ribbon))

    assert parse_layout(layouts_dir / "fine.xml").ribbon.tabs[0].id == "viewer"


def test_it_requires_the_id_to_match_the_file_name(layouts_dir: Path) -> None:
    text = layout_xml("other")
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert str(error) == "layouts/bad.xml:2: layout id 'other' must match the file name 'bad'"


def test_it_reports_a_file_that_is_not_well_formed(layouts_dir: Path) -> None:
    text = layout_xml().replace('<panel type="browser"/>', '<panel type="browser">')
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error.file == "layouts/bad.xml"
    assert error.line == line_of(text, "</row>")
    assert error.reason.startswith("not well-formed: Opening and ending tag mismatch: panel")


def test_it_reports_every_schema_violation_with_its_line(layouts_dir: Path) -> None:
    text = layout_xml(
        ribbon=ribbon_with('<button id="b" action="share.slide" lable="Typo"/>'),
        panels=MINIMAL_PANELS.replace('size="3"', 'size="-1"'),
    )
    write(layouts_dir / "bad.xml", text)

    errors = errors_of(layouts_dir / "bad.xml")

    button, size = line_of(text, "lable"), line_of(text, 'size="-1"')
    assert [(e.line, e.reason) for e in errors] == [
        (
            button,
            "does not match the schema: Element 'button', attribute 'lable': "
            "The attribute 'lable' is not allowed.",
        ),
        (
            button,
            "does not match the schema: Element 'button': "
            "The attribute 'label' is required but missing.",
        ),
        (
            size,
            "does not match the schema: Element 'panel', attribute 'size': "
            "[facet 'minExclusive'] The value '-1' must be greater than '0'.",
        ),
    ]


def test_it_rejects_a_ribbon_without_tabs(layouts_dir: Path) -> None:
    text = layout_xml(ribbon="  <ribbon/>\n")
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error.line == line_of(text, "<ribbon/>")
    assert error.reason.startswith("does not match the schema: Element 'ribbon'")


XXE = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE layout [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<layout id="bad" title="&secret;">
  <ribbon><tab id="t" label="&secret;"><group id="g" label="G">
    <button id="b" action="layout.reset" label="&secret;"/>
  </group></tab></ribbon>
  <panels><panel type="info" title="x"/></panels>
</layout>
"""

BILLION_LAUGHS = """\
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<layout id="bad" title="&lol9;"/>
"""

NO_DTD = "DOCTYPE and ENTITY declarations are not allowed in layout files"


def passwd_lines() -> list[str]:
    text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()]


def test_it_refuses_an_external_entity(layouts_dir: Path) -> None:
    write(layouts_dir / "bad.xml", XXE)

    error = only_error(layouts_dir / "bad.xml")

    assert str(error) == f"layouts/bad.xml:2: {NO_DTD}"
    assert passwd_lines()
    assert not any(line in str(error) for line in passwd_lines())


def test_it_refuses_an_external_entity_in_an_encoding_the_byte_scan_cannot_read(
    layouts_dir: Path,
) -> None:
    # In UTF-16 the bytes "<!DOCTYPE" never occur; the parsed document must still be refused.
    text = (
        XXE.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .replace('"&secret;"', '"x"')
        .replace("<panels>", "&secret;<panels>")
    )
    write(layouts_dir / "bad.xml", text.encode("utf-16"))

    error = only_error(layouts_dir / "bad.xml")

    assert error.reason == NO_DTD
    assert not any(line in str(error) for line in passwd_lines())


def test_it_refuses_an_entity_bomb(layouts_dir: Path) -> None:
    write(layouts_dir / "bad.xml", BILLION_LAUGHS)

    error = only_error(layouts_dir / "bad.xml")

    assert str(error) == f"layouts/bad.xml:2: {NO_DTD}"


def test_it_refuses_an_entity_reference_without_a_declaration(layouts_dir: Path) -> None:
    text = layout_xml(title="&secret;")
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error.line == 2
    assert error.reason == "not well-formed: Entity 'secret' not defined (column 33)"


def test_it_refuses_a_file_too_large_to_be_a_layout(layouts_dir: Path) -> None:
    padding = "<!--" + "x" * MAX_BYTES + "-->\n"
    write(layouts_dir / "bad.xml", layout_xml(extra=padding))

    error = only_error(layouts_dir / "bad.xml")

    assert str(error) == f"layouts/bad.xml: file is larger than {MAX_BYTES} bytes"


def test_it_reports_a_file_it_cannot_read(layouts_dir: Path) -> None:
    error = only_error(layouts_dir / "missing.xml")

    assert str(error).startswith("layouts/missing.xml: cannot read file")


def test_every_registered_action_is_used_by_the_default_layout() -> None:
    # The shipped ribbon is the catalogue admins copy from; a new action belongs in it.
    layout = parse_layout(Path(settings.BASE_DIR, "layouts", "default.xml"))

    assert {i.action for i in layout.ribbon.items()} == set(RIBBON_ACTIONS)


def test_row_and_column_nest(layouts_dir: Path) -> None:
    panels = """\
  <panels>
    <row id="outer">
      <column size="2"><panel type="viewer"/><panel type="macro"/></column>
      <panel type="info"/>
    </row>
  </panels>
"""
    write(layouts_dir / "nested.xml", layout_xml("nested", panels=panels))

    root = parse_layout(layouts_dir / "nested.xml").panels

    assert isinstance(root, Row)
    assert root.id == "outer"
    column = root.children[0]
    assert isinstance(column, Column)
    assert not isinstance(column, Row)
    assert column.size == 2.0
    assert [c.id for c in column.children] == ["viewer", "macro"]


def test_the_example_in_the_layouts_readme_is_valid(layouts_dir: Path) -> None:
    readme = Path(settings.BASE_DIR, "layouts", "README.md").read_text(encoding="utf-8")
    example = readme.split("```xml\n", 1)[1].split("```", 1)[0]
    write(layouts_dir / "reading.xml", example)

    layout = parse_layout(layouts_dir / "reading.xml")

    assert layout.id == "reading"
    assert [p.id for p in layout.panels_list()] == ["browser", "viewer", "info", "label", "lims"]


def preset_layout(presets: str, item: str = "") -> str:
    button = item or '<button id="p" action="annotations.preset" preset="Tumor" label="Tumor"/>'
    return layout_xml(
        ribbon=ribbon_with(button),
        extra=f"  <annotation-presets>\n{presets}  </annotation-presets>\n",
    )


def test_presets_carry_their_shape_and_fill_opacity(layouts_dir: Path) -> None:
    presets = """\
    <preset class="Tumor" color="#E53935" fill-opacity="0.25" shape="freehand"/>
    <preset class="Stroma" color="#1E88E5FF" fill="#00FF00" fill-opacity="0" line-width="3"/>
    <preset class="Mitosis" color="#FDD835FF" shape="point"/>
"""
    write(layouts_dir / "bad.xml", preset_layout(presets))

    layout = parse_layout(layouts_dir / "bad.xml")

    tumor, stroma, mitosis = layout.presets
    # fill-opacity alone: the edge colour at that opacity (0.25 * 255 = 64 = 0x40).
    assert (tumor.fill, tumor.shape) == ("#E5393540", "freehand")
    assert (stroma.fill, stroma.shape, stroma.line_width) == ("#00FF0000", "polygon", 3.0)
    assert (mitosis.fill, mitosis.shape) == (None, "point")
    button = layout.ribbon.tabs[0].groups[0].items[0]
    assert (button.action, button.params) == ("annotations.preset", (("preset", "Tumor"),))
    assert layout.to_dict()["presets"][0] == {
        "class": "Tumor",
        "color": "#E53935FF",
        "fill": "#E5393540",
        "line_width": 2.0,
        "shape": "freehand",
    }


def test_a_preset_button_must_name_a_preset_of_the_file(layouts_dir: Path) -> None:
    item = '<button id="p" action="annotations.preset" preset="Tumour" label="Tumour"/>'
    text = preset_layout('    <preset class="Tumor" color="#E53935"/>\n', item)
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    reason = "no annotation preset has class 'Tumour'"
    assert error == LayoutError("layouts/bad.xml", line_of(text, 'preset="Tumour"'), reason)


def test_a_preset_with_a_shape_it_cannot_draw_is_named_with_its_line(layouts_dir: Path) -> None:
    text = preset_layout('    <preset class="Tumor" color="#E53935" shape="arrow"/>\n')
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error.line == line_of(text, 'shape="arrow"')
    assert error.reason == (
        "preset shape must be one of rectangle, circle, ellipse, polygon, freehand, line, "
        "point, not 'arrow'"
    )


def test_a_fill_opacity_above_one_is_a_schema_error_with_its_line(layouts_dir: Path) -> None:
    text = preset_layout('    <preset class="Tumor" color="#E53935" fill-opacity="1.5"/>\n')
    write(layouts_dir / "bad.xml", text)

    error = only_error(layouts_dir / "bad.xml")

    assert error.line == line_of(text, 'fill-opacity="1.5"')
    assert "fill-opacity" in error.reason and "does not match the schema" in error.reason


def test_the_tls_protocol_layout_offers_each_stage_as_a_preset_button() -> None:
    layout = parse_layout(Path(settings.BASE_DIR, "layouts", "tls-protocol.xml"))

    stages = [p.class_name for p in layout.presets]
    assert stages[:3] == [
        "TLS immature aggregate",
        "TLS primary follicle",
        "TLS secondary follicle (germinal centre)",
    ]
    buttons = [i.param("preset") for i in layout.ribbon.items() if i.action == "annotations.preset"]
    assert buttons == stages
    assert all(p.fill is None or p.fill[-2:] != "FF" for p in layout.presets)


def test_a_field_is_parsed_as_an_input_of_the_ribbon(layouts_dir: Path) -> None:
    item = '<field id="edge" action="annotations.style" property="color" label="Edge"/>'
    write(layouts_dir / "bad.xml", layout_xml(ribbon=ribbon_with(item)))

    (field,) = parse_layout(layouts_dir / "bad.xml").ribbon.tabs[0].groups[0].items

    assert isinstance(field, Field)
    assert field.to_dict()["kind"] == "field"
    assert field.params == (("property", "color"),)
