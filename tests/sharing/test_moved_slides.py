"""Share links whose slide was moved or renamed inside the slides root: they find it again
by the fingerprint recorded when they were made, follow it, and their owner sees the move.
A slide removed for good gives a readable page. Both tile-server modes (the remote one is a
second process serving the same folder)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from pmacore.types import AnnotationDraft
from sharing import relocation
from sharing.models import Share, ShareMove
from studio.tileclient.calls import call
from studio.tileclient.principals import OwnerPrincipal
from tests.base import forget_everything_cached
from tests.sharing.factory import OTHER_SLIDE, SLIDE, make_share, open_url

# Share tiles run on the tile thread pool: other threads need committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moving_slide(demo_slides_dir: Path) -> Iterator[str]:
    """A slide of its own (a demo slide with a few bytes more, so its own fingerprint) in a
    folder of its own inside the slides root, removed afterwards."""
    folder = demo_slides_dir / "demo" / f"moving-{uuid.uuid4().hex[:8]}"
    (folder / "a").mkdir(parents=True)
    target = folder / "a" / "slide.svs"
    shutil.copyfile(demo_slides_dir / SLIDE, target)
    with target.open("ab") as fh:
        fh.write(os.urandom(32))
    yield f"demo/{folder.name}/a/slide.svs"
    shutil.rmtree(folder)


def move(slides_dir: Path, old: str, new: str) -> None:
    (slides_dir / new).parent.mkdir(parents=True, exist_ok=True)
    os.replace(slides_dir / old, slides_dir / new)
    forget_everything_cached()  # as a minute later: the studio keeps slide info that long


def create_link(client: Client, **fields: str) -> Share:
    response = client.post(reverse("sharing:create"), fields)
    assert response.status_code == 201, response.content
    return Share.objects.get()


def tile_url(share: Share, ref: str) -> str:
    fingerprint = share.fingerprint_of(int(ref))
    return reverse("sharing:tile", args=[share.token, fingerprint, 0, 0, 0]) + f"?slide={ref}"


def test_a_slide_link_follows_its_slide_to_another_folder(
    owner_client: Client, demo_slides_dir: Path, moving_slide: str
) -> None:
    share = create_link(owner_client, kind="slide", slide=moving_slide)
    assert share.fingerprints and share.fingerprints[0]
    moved_to = moving_slide.replace("/a/slide.svs", "/b/slide.svs")
    move(demo_slides_dir, moving_slide, moved_to)

    visitor = Client()
    page = visitor.get(open_url(share))
    assert page.status_code == 200
    assert moved_to.encode() not in page.content  # pages never name internal paths
    tile = visitor.get(tile_url(share, "0"))
    assert tile.status_code == 200 and tile["Content-Type"] == "image/jpeg"

    share.refresh_from_db()
    assert share.path == moved_to
    assert list(share.moves.values_list("old_path", "new_path")) == [(moving_slide, moved_to)]
    panel = owner_client.get(reverse("sharing:panel"))
    row = panel.content.decode()
    assert f'data-moved-from="{moving_slide}"' in row and "Moved" in row
    assert "b/<wbr>slide.svs" in row  # the link's target is the new place


def test_a_tile_looks_for_its_moved_slide_on_the_tile_threads(
    owner_client: Client,
    demo_slides_dir: Path,
    moving_slide: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The search may walk every folder: never on the one thread Django's sync code shares.
    share = create_link(owner_client, kind="slide", slide=moving_slide)
    move(demo_slides_dir, moving_slide, moving_slide.replace("/a/", "/c/"))
    threads: list[str] = []
    real_follow = relocation.do_follow

    def follow(*args: object) -> None:
        threads.append(threading.current_thread().name)
        real_follow(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(relocation, "do_follow", follow)
    assert Client().get(tile_url(share, "0")).status_code == 200
    assert len(threads) == 1 and threads[0].startswith("tiles")


def test_a_grid_link_follows_a_renamed_slide_and_keeps_the_others(
    owner_client: Client, demo_slides_dir: Path, moving_slide: str
) -> None:
    grid = {"rows": 1, "columns": 2, "sync": False, "cells": [moving_slide, OTHER_SLIDE]}
    share = create_link(owner_client, kind="grid", grid=json.dumps(grid))
    renamed = moving_slide.replace("/slide.svs", "/renamed.svs")
    move(demo_slides_dir, moving_slide, renamed)

    visitor = Client()
    # The first request after the move may be a tile: it finds the slide too.
    assert visitor.get(tile_url(share, "0")).status_code == 200
    assert visitor.get(open_url(share)).status_code == 200
    share.refresh_from_db()
    assert share.grid["slides"] == [renamed, OTHER_SLIDE]
    assert ShareMove.objects.filter(share=share).count() == 1


def test_a_removed_slide_gives_a_readable_page(
    owner_client: Client, demo_slides_dir: Path, moving_slide: str
) -> None:
    share = create_link(owner_client, kind="slide", slide=moving_slide)
    (demo_slides_dir / moving_slide).unlink()
    forget_everything_cached()

    visitor = Client()
    page = visitor.get(open_url(share))
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert b"This slide was moved or removed" in page.content
    assert b"moving-" not in page.content
    tile = visitor.get(tile_url(share, "0"))
    assert tile.status_code == 404
    assert tile.content == b"The slide was moved or removed."
    share.refresh_from_db()
    assert share.path == moving_slide and not share.moves.exists()


def test_a_link_made_before_fingerprints_learns_its_slides_when_opened(
    owner: AbstractUser, demo_slides_dir: Path, moving_slide: str
) -> None:
    share = make_share(owner, path=moving_slide)
    assert share.fingerprints == []
    assert Client().get(open_url(share)).status_code == 200
    share.refresh_from_db()
    assert len(share.fingerprints) == 1 and share.fingerprints[0]

    moved_to = moving_slide.replace("/a/", "/c/")
    move(demo_slides_dir, moving_slide, moved_to)
    assert Client().get(open_url(share)).status_code == 200
    share.refresh_from_db()
    assert share.path == moved_to


def test_a_moved_slide_of_a_link_without_fingerprints_is_reported_missing(
    owner: AbstractUser, demo_slides_dir: Path, moving_slide: str
) -> None:
    share = make_share(owner, path=moving_slide)
    move(demo_slides_dir, moving_slide, moving_slide.replace("/a/", "/d/"))
    page = Client().get(open_url(share))
    assert page.status_code == 404
    assert b"This slide was moved or removed" in page.content


def test_a_grid_link_records_each_slides_fingerprint(owner_client: Client) -> None:
    grid = {"rows": 1, "columns": 2, "sync": True, "cells": [SLIDE, OTHER_SLIDE]}
    share = create_link(owner_client, kind="grid", grid=json.dumps(grid))
    assert len(share.fingerprints) == 2 and share.fingerprints[0] != share.fingerprints[1]


def test_a_links_annotations_come_along_with_a_moved_slide(
    owner: AbstractUser, owner_client: Client, demo_slides_dir: Path, moving_slide: str
) -> None:
    draft = AnnotationDraft(geometry="POINT (10 20)", classification="Tumour")
    call(OwnerPrincipal(owner.pk), lambda c, sid: c.save_annotations(sid, moving_slide, [draft]))
    share = create_link(owner_client, kind="slide", slide=moving_slide, include_annotations="true")
    moved_to = moving_slide.replace("/a/", "/e/")
    move(demo_slides_dir, moving_slide, moved_to)

    url = reverse("sharing:annotations", args=[share.token]) + "?slide=0"
    answer = Client().get(url)
    assert answer.status_code == 200
    assert "Tumour" in answer.content.decode()
    assert moved_to not in answer.content.decode()


@pytest.mark.embedded_only
def test_a_link_made_by_the_integrator_api_records_the_fingerprint(
    owner: AbstractUser, moving_slide: str
) -> None:
    from tileserver.models import ApiSession

    session_id = ApiSession.open_for(owner, caller="LIMS").session_id
    answer = Client().post(
        "/API/Share/CreateLinkForSlide",
        {"sessionID": session_id, "pathOrUid": moving_slide},
    )
    assert answer.status_code == 200, answer.content
    share = Share.objects.get()
    assert share.path == moving_slide and len(share.fingerprints[0]) > 10
