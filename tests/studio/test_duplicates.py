"""Duplicate slides: the scan (through the tile-server client), the command, the admin page
and the slide browser's mark."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.test import Client

from studio.duplicates import copies_of, groups, scan
from studio.models import KnownSlide
from studio.tileclient.principals import OwnerPrincipal
from tests.base import client_for
from tests.studio.conftest import A1

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_demo_slides_have_no_duplicates(admin: AbstractUser, slides_dir: Path) -> None:
    result = scan(OwnerPrincipal(admin.pk))
    assert result.slides == 7 and result.unreadable == []
    assert KnownSlide.objects.count() == 7
    assert groups() == []


@pytest.mark.embedded_only
def test_a_copy_makes_a_group_with_locations_sizes_and_dates(
    admin: AbstractUser, with_copy: Path
) -> None:
    scan(OwnerPrincipal(admin.pk))
    [group] = groups()
    assert [slide.path for slide in group] == ["archive/old-A1.svs", A1]
    assert {slide.size for slide in group} == {(with_copy / A1).stat().st_size}
    assert all(slide.last_modified is not None for slide in group)
    assert copies_of([(A1, group[0].fingerprint)]) == {A1: ["archive/old-A1.svs"]}


@pytest.mark.embedded_only
def test_a_rescan_forgets_a_deleted_copy(admin: AbstractUser, with_copy: Path) -> None:
    scan(OwnerPrincipal(admin.pk))
    (with_copy / "archive" / "old-A1.svs").unlink()
    scan(OwnerPrincipal(admin.pk))
    assert groups() == []
    assert not KnownSlide.objects.filter(path="archive/old-A1.svs").exists()


@pytest.mark.embedded_only
def test_a_scan_of_one_folder_keeps_what_was_seen_elsewhere(
    admin: AbstractUser, with_copy: Path
) -> None:
    scan(OwnerPrincipal(admin.pk))
    scan(OwnerPrincipal(admin.pk), "archive")
    assert len(groups()) == 1


@pytest.mark.embedded_only
def test_the_command_scans_and_lists_the_groups(admin: AbstractUser, with_copy: Path) -> None:
    out, err = StringIO(), StringIO()
    call_command("find_duplicates", stdout=out, stderr=err)
    assert "(2 copies)" in out.getvalue()
    assert "archive/old-A1.svs\t" in out.getvalue() and f"{A1}\t" in out.getvalue()
    assert "Scanned 8 slide(s)" in err.getvalue() and "1 group(s)" in err.getvalue()

    again = StringIO()
    call_command("find_duplicates", "--no-scan", stdout=again, stderr=StringIO())
    assert again.getvalue() == out.getvalue()


@pytest.mark.embedded_only
def test_the_admin_page_lists_only_slides_with_copies(admin: AbstractUser, with_copy: Path) -> None:
    scan(OwnerPrincipal(admin.pk))
    response = client_for(admin).get("/admin/studio/duplicateslide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "archive/old-A1.svs" in html and A1 in html
    assert "CASE-002-B1" not in html


def test_the_admin_page_is_for_admins_only(owner_client: Client, slides_dir: Path) -> None:
    response = owner_client.get("/admin/studio/duplicateslide/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.embedded_only
def test_the_browser_marks_a_slide_that_has_copies_and_links_to_them(
    admin: AbstractUser, owner_client: Client, with_copy: Path
) -> None:
    scan(OwnerPrincipal(admin.pk))
    html = owner_client.get(
        "/panels/browser/", {"folder": "demo/breast/CASE-001"}, **HTMX
    ).content.decode()
    assert 'A copy: <a href="/?slide=archive/old-A1.svs"' in html
    assert html.count("slide-copies") == 1, "A2 has no copy"
