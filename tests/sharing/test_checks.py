from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from sharing.checks import check_frame_ancestors


@pytest.mark.parametrize(
    "origins",
    [[], ["https://lims.example.org"], ["http://lims:8080", "https://*.example.org", "https:"]],
)
def test_origins_pass(settings: Settings, origins: list[str]) -> None:
    settings.SHARE_FRAME_ANCESTORS = origins
    assert check_frame_ancestors() == []


@pytest.mark.parametrize(
    "origin",
    ["https://a.org; script-src *", "https://a.org https://b.org", "*", "'unsafe-inline'", ""],
)
def test_anything_else_fails(settings: Settings, origin: str) -> None:
    settings.SHARE_FRAME_ANCESTORS = [origin]
    assert [error.id for error in check_frame_ancestors()] == ["sharing.E001"]
