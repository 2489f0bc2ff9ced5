"""The house's boundaries, read from the imports: only the tile-server client's embedded
transport reaches into the embedded tile server; the dialect's ground floor needs nobody."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED_TRANSPORT = ROOT / "studio" / "tileclient" / "embedded.py"
APPS = {"studio", "tileserver", "panels", "sharing"}
# The project's wiring (settings and URLconfs) may name every app.
WIRING = {ROOT / "studio" / "settings.py", *(ROOT / "studio").rglob("urls.py")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(*apps: str) -> list[Path]:
    return sorted(path for app in apps for path in (ROOT / app).rglob("*.py"))


def importers_of(package: str, *apps: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in python_files(*apps)
        if path not in WIRING
        and any(
            name == package or name.startswith(package + ".") for name in imported_modules(path)
        )
    ]


def test_sharing_and_panels_reach_slides_only_through_the_client() -> None:
    assert importers_of("tileserver", "sharing", "panels") == []


def test_in_the_studio_only_the_embedded_transport_imports_the_tile_server() -> None:
    assert importers_of("tileserver", "studio") == [str(EMBEDDED_TRANSPORT.relative_to(ROOT))]


@pytest.mark.parametrize("app", ["studio", "tileserver", "panels", "sharing"])
def test_the_dialect_needs_no_app(app: str) -> None:
    assert importers_of(app, "pmacore") == []


def test_no_app_imports_another_apps_views() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for app in sorted(APPS)
        for path in python_files(app)
        for name in imported_modules(path)
        if name.split(".")[0] in APPS - {app} and ".views" in name and path not in WIRING
    ]
    assert offenders == []
