"""The share image routes: tiles, associated images and annotations by token."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from pmacore.types import AnnotationDraft
from sharing import access
from sharing.actions import do_delete, do_reactivate, do_suspend
from sharing.models import Share
from studio.tileclient.calls import call
from studio.tileclient.principals import OwnerPrincipal
from tests.base import clear_annotations, decode_image
from tests.sharing.factory import OTHER_SLIDE, SLIDE, make_share, open_url
from tileserver import engine

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
FOLDER = "demo/breast"
TRAP = "demo/breast-2/CASE-009/CASE-009-Z1.svs"


def ref(share: Share, slide: str) -> str:
    """How the share's pages name `slide`; a slide it does not cover by its internal path,
    which names nothing in a share."""
    return share.slide_ref(slide) if share.covers(slide) else slide


def tile_url(share: Share, slide: str, z: int = 0, x: int = 0, y: int = 0) -> str:
    fingerprint = engine.fingerprint(slide)
    url = reverse("sharing:tile", args=[share.token, fingerprint, z, x, y])
    return f"{url}?slide={ref(share, slide)}"


def image_url(share: Share, kind: str, slide: str) -> str:
    query = f"?slide={ref(share, slide)}&w=200&h=200"
    return reverse("sharing:image", args=[share.token, kind]) + query


def annotations_url(share: Share, slide: str) -> str:
    return reverse("sharing:annotations", args=[share.token]) + f"?slide={ref(share, slide)}"


def assert_refused(response: object, status: int) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/plain")  # type: ignore[index]
    body = response.content  # type: ignore[attr-defined]
    assert b"\xff\xd8" not in body and b"PNG" not in body
    for secret in (b"demo", b"breast", b"CASE", b".svs"):
        assert secret not in body


@pytest.fixture
def trap_slides_dir(settings: Settings, demo_slides_dir: Path, tmp_path: Path) -> Path:
    """The breast slides plus a real slide in demo/breast-2, the prefix that is not inside."""
    for virtual in (SLIDE, OTHER_SLIDE, TRAP):
        source = demo_slides_dir / (SLIDE if virtual == TRAP else virtual)
        target = tmp_path / virtual
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    settings.SLIDES_DIR = tmp_path
    return tmp_path


def test_a_slide_link_serves_its_tiles(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    response = client.get(tile_url(share, SLIDE))
    assert response.status_code == 200
    assert decode_image(response.content).size == (256, 256)
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


@pytest.mark.parametrize("kind", ["thumbnail", "label", "macro"])
def test_a_slide_link_serves_its_images(owner: AbstractUser, client: Client, kind: str) -> None:
    share = make_share(owner, include_label_and_macro=True)
    response = client.get(image_url(share, kind, SLIDE))
    assert response.status_code == 200
    assert decode_image(response.content).width <= 256  # 200 snaps up to the 256 bucket


def test_a_slide_link_refuses_another_slides_tiles(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert_refused(client.get(tile_url(share, OTHER_SLIDE)), 404)


@pytest.mark.parametrize("kind", ["thumbnail", "label", "macro"])
def test_a_slide_link_refuses_another_slides_images(
    owner: AbstractUser, client: Client, kind: str
) -> None:
    share = make_share(owner, include_annotations=True)
    assert_refused(client.get(image_url(share, kind, OTHER_SLIDE)), 404)


def test_a_slide_link_refuses_another_slides_annotations(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner, include_annotations=True)
    assert client.get(annotations_url(share, SLIDE)).json()["annotations"] == []
    assert_refused(client.get(annotations_url(share, OTHER_SLIDE)), 404)


def test_annotations_are_served_only_when_the_link_includes_them(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner, include_annotations=False)
    assert_refused(client.get(annotations_url(share, SLIDE)), 404)


def test_a_grid_link_serves_only_its_slides(owner: AbstractUser, client: Client) -> None:
    grid = {"slides": [OTHER_SLIDE], "rows": 1, "columns": 1, "sync": False}
    share = make_share(owner, kind=Share.Kind.GRID, grid=grid)
    assert client.get(tile_url(share, OTHER_SLIDE)).status_code == 200
    assert_refused(client.get(tile_url(share, SLIDE)), 404)


def test_a_folder_link_serves_slides_below_it(
    owner: AbstractUser, client: Client, trap_slides_dir: Path
) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path=FOLDER)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    assert client.get(image_url(share, "thumbnail", SLIDE)).status_code == 200


def test_a_folder_link_refuses_the_prefix_trap(
    owner: AbstractUser, client: Client, trap_slides_dir: Path
) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path=FOLDER)
    assert_refused(client.get(tile_url(share, TRAP)), 404)
    assert_refused(client.get(image_url(share, "thumbnail", TRAP)), 404)
    assert_refused(client.get(tile_url(share, OTHER_SLIDE)), 404)


@pytest.mark.parametrize(
    "slide", ["demo/breast/../skin/CASE-003/CASE-003-C2.svs", "demo/breast/./x.svs", "/demo/x"]
)
def test_a_folder_link_refuses_dotted_paths(
    owner: AbstractUser, client: Client, slide: str
) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path=FOLDER)
    url = reverse("sharing:image", args=[share.token, "thumbnail"]) + f"?slide={slide}"
    assert client.get(url).status_code in (400, 404)
    url = reverse("sharing:tile", args=[share.token, "f", 0, 0, 0]) + f"?slide={slide}"
    assert client.get(url).status_code in (400, 404)


def test_an_expired_link_serves_nothing(owner: AbstractUser, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, expires_at=NOW + timedelta(minutes=5))
        assert client.get(tile_url(share, SLIDE)).status_code == 200
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        # The link is cached by now: expiry is still judged on every request.
        assert_refused(client.get(tile_url(share, SLIDE)), 410)
        assert_refused(client.get(tile_url(share, SLIDE, 1)), 410)
        assert_refused(client.get(image_url(share, "thumbnail", SLIDE)), 410)
        assert_refused(client.get(annotations_url(share, SLIDE)), 410)


def test_a_suspended_link_serves_nothing_from_the_next_request(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    do_suspend(Share.objects.filter(pk=share.pk))
    assert_refused(client.get(tile_url(share, SLIDE)), 410)
    assert_refused(client.get(image_url(share, "label", SLIDE)), 410)
    do_reactivate(Share.objects.filter(pk=share.pk))
    assert client.get(tile_url(share, SLIDE)).status_code == 200


def test_a_link_suspended_by_saving_is_refused_at_once(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    share.suspended = True
    share.save()
    assert_refused(client.get(tile_url(share, SLIDE)), 410)


def test_a_copy_another_process_cached_replaces_the_one_this_process_decoded(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    # Another process loaded the link after it was suspended there and cached its copy.
    share.suspended = True
    key = access._share_cache_key(share.token)
    cache.set(key, ("another-stamp", pickle.dumps(share)), access.SHARE_CACHE_SECONDS)
    assert_refused(client.get(tile_url(share, SLIDE)), 410)


def test_a_deactivated_owners_link_is_gone_at_once_on_every_route(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    # Everything warm: the link, the owner's delegated session and the slide are cached.
    assert client.get(open_url(share)).status_code == 200
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    owner.is_active = False
    owner.save()
    assert client.get(open_url(share)).status_code == 410
    assert_refused(client.get(tile_url(share, SLIDE)), 410)
    assert_refused(client.get(tile_url(share, SLIDE, 1)), 410)
    assert_refused(client.get(image_url(share, "thumbnail", SLIDE)), 410)
    assert_refused(client.get(annotations_url(share, SLIDE)), 410)
    owner.is_active = True
    owner.save()
    assert client.get(tile_url(share, SLIDE, 1)).status_code == 200


def test_a_deleted_link_serves_nothing(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    do_delete(Share.objects.filter(pk=share.pk))
    assert_refused(client.get(tile_url(share, SLIDE)), 404)
    assert_refused(client.get(image_url(share, "thumbnail", SLIDE)), 404)


def test_a_recycled_links_old_url_serves_nothing(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    fresh = share.recycle()
    assert_refused(client.get(tile_url(share, SLIDE)), 404)
    assert client.get(tile_url(fresh, SLIDE)).status_code == 200


def test_a_locked_link_serves_nothing(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="pw")
    assert_refused(client.get(tile_url(share, SLIDE)), 403)
    assert_refused(client.get(image_url(share, "thumbnail", SLIDE)), 403)
    assert_refused(client.get(annotations_url(share, SLIDE)), 403)


def test_an_unlocked_browser_gets_tiles(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="pw")
    client.post(reverse("sharing:password", args=[share.token]), {"password": "pw"})
    assert client.get(tile_url(share, SLIDE)).status_code == 200


def test_an_unknown_token_is_404(client: Client) -> None:
    url = reverse("sharing:tile", args=["A" * 43, "f", 0, 0, 0]) + f"?slide={SLIDE}"
    assert_refused(client.get(url), 404)


def test_a_bad_query_is_400(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    url = reverse("sharing:tile", args=[share.token, "f", 0, 0, 0])
    assert client.get(url).status_code == 400
    assert client.get(image_url(share, "thumbnail", SLIDE) + "&w=-1").status_code == 400


def test_it_refuses_other_methods(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.post(tile_url(share, SLIDE)).status_code == 405


def test_a_warm_share_tile_makes_no_database_query(
    owner: AbstractUser, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    share = make_share(owner)
    url = tile_url(share, SLIDE, 1)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200


def test_the_owner_being_logged_out_does_not_matter(owner: AbstractUser, client: Client) -> None:
    # The recipient has no account; tiles are read with the owner's tile-server session.
    share = make_share(owner)
    client.logout()
    assert client.get(image_url(share, "thumbnail", SLIDE)).status_code == 200


@pytest.mark.parametrize("kind", ["label", "macro"])
@pytest.mark.parametrize("link", [Share.Kind.SLIDE, Share.Kind.FOLDER, Share.Kind.GRID])
def test_links_refuse_label_and_macro_unless_they_include_them(
    owner: AbstractUser, client: Client, kind: str, link: str
) -> None:
    share = make_share(owner, kind=link, path=FOLDER if link == Share.Kind.FOLDER else SLIDE)
    assert_refused(client.get(image_url(share, kind, SLIDE)), 404)
    assert client.get(image_url(share, "thumbnail", SLIDE)).status_code == 200


def test_a_folder_link_does_not_follow_a_symlink_out_of_its_folder(
    owner: AbstractUser, client: Client, settings: Settings, demo_slides_dir: Path, tmp_path: Path
) -> None:
    # demo/breast/teaching -> ../../teaching: inside SLIDES_DIR, outside the shared folder.
    for virtual in (SLIDE, "teaching/CASE-T/secret.svs"):
        target = tmp_path / virtual
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_slides_dir / SLIDE, target)
    (tmp_path / FOLDER / "teaching").symlink_to("../../teaching", target_is_directory=True)
    settings.SLIDES_DIR = tmp_path
    share = make_share(owner, kind=Share.Kind.FOLDER, path=FOLDER)
    escaped = f"{FOLDER}/teaching/CASE-T/secret.svs"
    assert engine.slide_info(escaped).path == "teaching/CASE-T/secret.svs"
    assert client.get(tile_url(share, SLIDE)).status_code == 200
    assert_refused(client.get(tile_url(share, escaped)), 404)
    assert_refused(client.get(image_url(share, "thumbnail", escaped)), 404)
    view = reverse("sharing:view", args=[share.token]) + "?slide=teaching/CASE-T/secret.svs"
    assert client.get(view).status_code == 404


def test_thumbnail_sizes_snap_to_a_few_buckets(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    base = reverse("sharing:image", args=[share.token, "thumbnail"])
    etags = set()
    for width in range(100, 140):
        response = client.get(base, {"slide": "0", "w": width, "h": width})
        assert response.status_code == 200
        etags.add(response["ETag"])
    assert len(etags) == 2  # forty sizes, two renders (the 128 and 256 buckets)


def test_a_flood_of_image_requests_from_one_client_is_slowed(
    owner: AbstractUser, client: Client
) -> None:
    from sharing.images import IMAGE_RATE

    share = make_share(owner)
    url = image_url(share, "thumbnail", SLIDE)
    for _ in range(IMAGE_RATE.max_attempts):
        client.get(url)
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    # Another client of the same link is not held up.
    assert Client(REMOTE_ADDR="198.51.100.7").get(url).status_code == 200


@pytest.fixture
def owners_annotation(owner: AbstractUser) -> Iterator[int]:
    """One annotation of the owner's on SLIDE, made through the tile-server client."""
    clear_annotations(SLIDE)
    draft = AnnotationDraft(geometry="POINT (10 20)", classification="<TLS>", notes="n")
    [new_id] = call(
        OwnerPrincipal(owner.pk), lambda c, sid: c.save_annotations(sid, SLIDE, [draft])
    )
    yield new_id
    clear_annotations(SLIDE)


def test_a_link_with_annotations_serves_them_read_only(
    owner: AbstractUser, client: Client, owners_annotation: int
) -> None:
    share = make_share(owner, include_annotations=True)
    response = client.get(annotations_url(share, SLIDE))
    assert b"demo/" not in response.content  # named by its place in the link, as the page does
    data = response.json()
    assert (data["editable"], data["slide"]) == (False, "0")
    [item] = data["annotations"]
    assert (item["id"], item["classification"], item["geometry"]) == (
        owners_annotation,
        "<TLS>",
        "POINT (10 20)",
    )
    # There is no way to write through a link.
    response = client.post(annotations_url(share, SLIDE), {"geometry": "POINT (1 1)"})
    assert response.status_code == 405


def test_a_link_without_annotations_hides_existing_ones(
    owner: AbstractUser, client: Client, owners_annotation: int
) -> None:
    share = make_share(owner, include_annotations=False)
    assert_refused(client.get(annotations_url(share, SLIDE)), 404)
