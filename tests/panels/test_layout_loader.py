from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from panels.layouts import loader as loader_module
from panels.layouts.builtin import BUILTIN_SOURCE, builtin_layout
from panels.layouts.errors import LayoutError
from panels.layouts.loader import LayoutLoader, load_layouts
from tests.panels.conftest import MINIMAL_PANELS, MINIMAL_RIBBON, layout_xml, line_of, write

SECOND = 1_000_000_000  # nanoseconds


def broken(text: str) -> str:
    return text.replace('type="browser"', 'type="slidez"')


def test_shipped_layouts_load_without_errors_or_warnings() -> None:
    result = load_layouts(settings.BASE_DIR / "layouts")

    assert result.errors == []
    assert result.warnings == []
    stems = sorted(p.stem for p in Path(settings.BASE_DIR, "layouts").glob("*.xml"))
    assert sorted(result.layouts) == stems
    assert all(layout.source != BUILTIN_SOURCE for layout in result.layouts.values())


def test_it_loads_every_file_with_default_first(layouts_dir: Path) -> None:
    for name in ("zeta", "default", "alpha"):
        write(layouts_dir / f"{name}.xml", layout_xml(name, title=name.upper()))

    result = load_layouts(layouts_dir)

    assert list(result.layouts) == ["default", "alpha", "zeta"]
    assert result.layouts["alpha"].title == "ALPHA"
    assert result.errors == []


def test_it_falls_back_to_the_last_good_parse_after_a_broken_edit(layouts_dir: Path) -> None:
    path = write(layouts_dir / "reading.xml", layout_xml("reading", title="Good"), mtime=SECOND)
    good = load_layouts(layouts_dir).layouts["reading"]

    bad_text = broken(layout_xml("reading", title="Edited"))
    write(path, bad_text, mtime=2 * SECOND)
    result = load_layouts(layouts_dir)

    assert result.layouts["reading"] == good
    assert result.layouts["reading"].title == "Good"
    assert result.errors == [
        LayoutError(
            "layouts/reading.xml", line_of(bad_text, "slidez"), "unknown panel type 'slidez'"
        )
    ]


def test_a_fixed_file_replaces_the_last_good_one_and_clears_the_error(layouts_dir: Path) -> None:
    path = write(layouts_dir / "reading.xml", layout_xml("reading", title="One"), mtime=SECOND)
    load_layouts(layouts_dir)
    write(path, broken(layout_xml("reading")), mtime=2 * SECOND)
    load_layouts(layouts_dir)

    write(path, layout_xml("reading", title="Two"), mtime=3 * SECOND)
    result = load_layouts(layouts_dir)

    assert result.layouts["reading"].title == "Two"
    assert result.errors == []


def test_a_file_that_never_loaded_is_served_by_the_builtin_layout(layouts_dir: Path) -> None:
    write(layouts_dir / "review.xml", broken(layout_xml("review")))

    result = load_layouts(layouts_dir)

    assert result.layouts["review"] == builtin_layout("review")
    assert result.layouts["review"].source == BUILTIN_SOURCE
    assert [e.file for e in result.errors] == ["layouts/review.xml"]


def test_default_always_exists(layouts_dir: Path) -> None:
    write(layouts_dir / "reading.xml", layout_xml("reading"))

    result = load_layouts(layouts_dir)

    assert result.layouts["default"] == builtin_layout()
    assert result.get("no-such-layout") == builtin_layout()
    assert result.get("reading").id == "reading"


def test_a_missing_directory_is_an_error_and_serves_the_builtin_layout(tmp_path: Path) -> None:
    result = load_layouts(tmp_path / "nowhere")

    assert list(result.layouts) == ["default"]
    assert [e.reason for e in result.errors] == ["layouts directory not found"]


def test_it_parses_an_unchanged_file_only_once(
    layouts_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(layouts_dir / "default.xml", layout_xml("default"))
    parsed: list[Path] = []
    real_parse = loader_module.parse_layout

    def counting_parse(path: Path) -> object:
        parsed.append(path)
        return real_parse(path)

    monkeypatch.setattr(loader_module, "parse_layout", counting_parse)
    loader = LayoutLoader(layouts_dir)

    first = loader.load()
    second = loader.load()

    assert len(parsed) == 1
    assert second.layouts["default"] is first.layouts["default"]


def test_an_unchanged_broken_file_keeps_reporting_its_error(layouts_dir: Path) -> None:
    write(layouts_dir / "review.xml", broken(layout_xml("review")))
    loader = LayoutLoader(layouts_dir)

    assert loader.load().errors == loader.load().errors != []


def test_a_deleted_file_disappears(layouts_dir: Path) -> None:
    path = write(layouts_dir / "reading.xml", layout_xml("reading"))
    assert "reading" in load_layouts(layouts_dir).layouts

    path.unlink()

    assert "reading" not in load_layouts(layouts_dir).layouts


def test_it_ignores_hidden_editor_files_and_other_extensions(layouts_dir: Path) -> None:
    write(layouts_dir / ".#reading.xml", "not xml at all")
    write(layouts_dir / "reading.xml~", "not xml at all")
    write(layouts_dir / "layout.xsd", "<xs:schema/>")

    result = load_layouts(layouts_dir)

    assert list(result.layouts) == ["default"]
    assert result.errors == []


def test_a_switch_to_a_missing_layout_is_a_warning(layouts_dir: Path) -> None:
    ribbon = MINIMAL_RIBBON.replace(
        '<button id="layout-reset" action="layout.reset" label="Reset"/>',
        '<button id="to-gone" action="layout.switch" target="gone" label="Gone"/>\n'
        '        <button id="to-default" action="layout.switch" target="default" label="D"/>',
    )
    text = layout_xml("default", ribbon=ribbon, panels=MINIMAL_PANELS)
    write(layouts_dir / "default.xml", text)

    result = load_layouts(layouts_dir)

    assert result.errors == []
    assert result.layouts["default"].source.endswith("default.xml")
    assert [str(w) for w in result.warnings] == [
        f"layouts/default.xml:{line_of(text, 'to-gone')}: "
        "layout.switch target 'gone' is not a layout in this directory"
    ]


def test_a_switch_to_a_broken_layout_is_not_a_warning(layouts_dir: Path) -> None:
    # The broken file still has a layout (the built-in stand-in), so the button still works.
    ribbon = MINIMAL_RIBBON.replace(
        'action="layout.reset" label="Reset"', 'action="layout.switch" target="review" label="R"'
    )
    write(layouts_dir / "default.xml", layout_xml("default", ribbon=ribbon))
    write(layouts_dir / "review.xml", broken(layout_xml("review")))

    result = load_layouts(layouts_dir)

    assert result.warnings == []
    assert len(result.errors) == 1


# What every shipped layout's Annotations tab offers, whatever else it adds.
ANNOTATION_ACTIONS = {
    "annotations.draw",
    "annotations.delete",
    "annotations.undo",
    "annotations.redo",
    "annotations.visible",
    "annotations.labels",
    "annotations.style",
    "annotations.export",
    "annotations.import",
    "annotations.copies",
}
STYLE_PROPERTIES = {"color", "fill", "fill-opacity", "line-width", "class", "description"}


@pytest.mark.parametrize("layout_id", ["default", "reading", "review", "tls-protocol"])
def test_shipped_layouts_have_the_whole_annotations_tab(layout_id: str) -> None:
    layout = load_layouts(settings.BASE_DIR / "layouts").layouts[layout_id]
    (tab,) = [tab for tab in layout.ribbon.tabs if tab.id == "annotations"]
    items = [item for group in tab.groups for item in group.items]

    assert {item.action for item in items} >= ANNOTATION_ACTIONS
    styles = {dict(item.params)["property"] for item in items if item.action == "annotations.style"}
    assert styles == STYLE_PROPERTIES
    presets = {dict(item.params)["preset"] for item in items if item.action == "annotations.preset"}
    assert presets == {preset.class_name for preset in layout.presets}
