from __future__ import annotations

from pathlib import Path

import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings

from panels.checks import check_layouts
from tests.panels.conftest import MINIMAL_RIBBON, layout_xml, line_of, write


def test_shipped_layouts_pass_the_check() -> None:
    assert check_layouts() == []


def test_it_reports_each_bad_file_as_an_error(layouts_dir: Path, settings: Settings) -> None:
    settings.LAYOUTS_DIR = layouts_dir
    text = layout_xml("bad").replace('type="browser"', 'type="slidez"')
    write(layouts_dir / "bad.xml", text)
    write(layouts_dir / "worse.xml", "<layout id='worse'")
    write(layouts_dir / "default.xml", layout_xml("default"))

    messages = check_layouts()

    assert [(type(m), m.id) for m in messages] == [(Error, "panels.E001")] * 2
    assert (
        messages[0].msg == f"layouts/bad.xml:{line_of(text, 'slidez')}: unknown panel type 'slidez'"
    )
    assert messages[1].msg.startswith("layouts/worse.xml:1: not well-formed:")


def test_a_dangling_layout_switch_is_a_warning(layouts_dir: Path, settings: Settings) -> None:
    settings.LAYOUTS_DIR = layouts_dir
    ribbon = MINIMAL_RIBBON.replace(
        'action="layout.reset" label="Reset"', 'action="layout.switch" target="gone" label="G"'
    )
    write(layouts_dir / "default.xml", layout_xml("default", ribbon=ribbon))

    messages = check_layouts()

    assert [(type(m), m.id) for m in messages] == [(Warning, "panels.W001")]


def test_the_check_is_registered_with_django(layouts_dir: Path, settings: Settings) -> None:
    settings.LAYOUTS_DIR = layouts_dir
    write(layouts_dir / "bad.xml", layout_xml("bad", title="x" * 81))

    messages = run_checks(tags=["layouts"])

    assert [m.id for m in messages] == ["panels.E001"]
    assert messages[0].msg.startswith("layouts/bad.xml:2: does not match the schema:")
    assert "maxLength" in messages[0].msg


def test_manage_py_check_fails_on_a_bad_layout(layouts_dir: Path, settings: Settings) -> None:
    settings.LAYOUTS_DIR = layouts_dir
    text = layout_xml("bad").replace('type="browser"', 'type="slidez"')
    write(layouts_dir / "bad.xml", text)

    with pytest.raises(
        SystemCheckError, match=r"layouts/bad\.xml:\d+: unknown panel type 'slidez'"
    ):
        call_command("check")
