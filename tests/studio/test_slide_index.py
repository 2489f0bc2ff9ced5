"""The slide browser's facts per slide (barcode, label, fingerprint) and search by barcode,
through the tile-server client in either mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from pytest_django.fixtures import Settings

from studio import slide_index
from studio.slide_index import UNREADABLE, find_by_barcode, slide_facts, slides_below
from studio.tileclient.principals import OwnerPrincipal
from tileserver import engine

pytestmark = pytest.mark.django_db

A1 = "demo/breast/CASE-001/CASE-001-A1.svs"
B1 = "demo/colon/CASE-002/CASE-002-B1.svs"


def test_facts_name_the_barcode_label_and_fingerprint(
    owner: AbstractUser, slides_dir: Path
) -> None:
    facts = slide_facts(OwnerPrincipal(owner.pk), [A1, B1])
    assert facts[A1].barcode == "CASE-001-A1"
    assert facts[A1].has_label is True
    assert facts[A1].fingerprint == engine.fingerprint(A1)
    assert facts[B1].barcode == "CASE-002-B1"


def test_facts_are_asked_for_once(
    owner: AbstractUser, slides_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal = OwnerPrincipal(owner.pk)
    slide_facts(principal, [A1])
    asked: list[str] = []
    monkeypatch.setattr(slide_index, "_ask", lambda p, path: asked.append(path) or UNREADABLE)
    assert slide_facts(principal, [A1, B1])[A1].barcode == "CASE-001-A1"
    assert asked == [B1]


def test_a_missing_slide_has_empty_facts(owner: AbstractUser, slides_dir: Path) -> None:
    assert slide_facts(OwnerPrincipal(owner.pk), ["demo/none.svs"]) == {"demo/none.svs": UNREADABLE}


def test_slides_below_walks_every_folder(owner: AbstractUser, slides_dir: Path) -> None:
    principal = OwnerPrincipal(owner.pk)
    assert sorted(slides_below(principal, "")) == sorted(engine.find_slides("", ".svs"))
    assert slides_below(principal, "demo/colon") == [B1]


def test_find_by_barcode_ignores_case_and_stays_below_the_folder(
    owner: AbstractUser, slides_dir: Path
) -> None:
    principal = OwnerPrincipal(owner.pk)
    assert find_by_barcode(principal, "", "case-002") == [B1]
    assert find_by_barcode(principal, "demo/breast", "case-002") == []
    assert find_by_barcode(principal, "", "no-such-barcode") == []


@pytest.mark.embedded_only
def test_find_by_barcode_finds_a_slide_whose_name_does_not_say_it(
    owner: AbstractUser, slides_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "lab" / "scans").mkdir(parents=True)
    shutil.copy(slides_dir / A1, tmp_path / "lab" / "scans" / "scan-0001.svs")
    settings.SLIDES_DIR = tmp_path
    cache.clear()
    found = find_by_barcode(OwnerPrincipal(owner.pk), "lab", "001-a1")
    assert found == ["lab/scans/scan-0001.svs"]
