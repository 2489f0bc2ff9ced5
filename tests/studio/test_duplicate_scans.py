"""Duplicate scans started from the admin page: in the background, one at a time, with progress."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.test import Client

from studio.duplicate_scans import LOCK_KEY, STATE_KEY, scan_state
from studio.duplicates import groups
from tests.base import client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded_only]
PAGE = "/admin/studio/duplicateslide/"
RESCAN = PAGE + "rescan/"


def wait_for_the_scan(timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while scan_state()["running"]:
        assert time.monotonic() < deadline, "the scan did not finish"
        time.sleep(0.1)
    return scan_state()


def test_the_admin_index_links_to_the_slide_tools(admin: AbstractUser) -> None:
    html = client_for(admin).get("/admin/").content.decode()
    assert 'href="/admin/uid-lookup/"' in html
    assert f'href="{PAGE}"' in html
    assert "Site administration" in html  # the apps are still listed under it


def test_a_rescan_runs_in_the_background_and_shows_its_outcome(
    admin: AbstractUser, with_copy: Path
) -> None:
    client = client_for(admin)
    assert "No scan yet" in client.get(PAGE).content.decode()
    response = client.post(RESCAN)
    assert response.status_code == 302 and response["Location"] == PAGE
    state = wait_for_the_scan()
    assert (state["slides"], state["error"]) == (8, "")
    assert [len(group) for group in groups()] == [2]
    html = client.get(PAGE).content.decode()
    assert "Last scan: 8 slides" in html
    assert "archive/old-A1.svs" in html


def test_while_a_scan_runs_the_page_says_so_and_a_second_click_starts_none(
    admin: AbstractUser, with_copy: Path
) -> None:
    client = client_for(admin)
    # A scan running in another process: its lock and state are in the shared cache.
    cache.set(LOCK_KEY, time.time(), 60)
    cache.set(STATE_KEY, {"running": True, "slides": 150, "error": "", "finished": None}, 60)
    html = client.get(PAGE).content.decode()
    assert "Scanning: 150 slides so far" in html
    assert 'http-equiv="refresh"' in html
    page = client.post(RESCAN, follow=True).content.decode()
    assert "A scan is running already." in page
    assert scan_state()["slides"] == 150
    # Its process died: the lock lapses, and the page says the scan stopped.
    cache.delete(LOCK_KEY)
    assert "did not finish" in client.get(PAGE).content.decode()


def test_only_admins_may_rescan(owner_client: Client, with_copy: Path) -> None:
    response = owner_client.post(RESCAN)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert scan_state()["running"] is False
    assert owner_client.get(RESCAN).status_code == 302
