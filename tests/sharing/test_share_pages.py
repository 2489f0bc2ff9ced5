"""What a recipient sees: the slide viewer, the grid, the folder mini-browser, embed mode."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sharing.models import Share
from tests.base import frame_ancestors
from tests.sharing.factory import OTHER_SLIDE, SLIDE, make_share, open_url

pytestmark = pytest.mark.django_db(transaction=True)
A1 = "demo/breast/CASE-001/CASE-001-A1.svs"


def share_data(response: object) -> dict[str, object]:
    page = response.content.decode()  # type: ignore[attr-defined]
    start = page.index('<script id="share-data" type="application/json">') + 48
    return json.loads(page[start : page.index("</script>", start)])  # type: ignore[no-any-return]


def test_a_slide_link_opens_a_viewer_with_share_tile_urls(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    response = client.get(open_url(share))
    assert response.status_code == 200
    data = share_data(response)
    assert (data["rows"], data["columns"], data["sync"]) == (1, 1, False)
    (cell,) = data["cells"]  # type: ignore[misc]
    assert cell["path"] == "0"  # its position in the link, never its internal path
    assert cell["tileUrl"].startswith(f"/s/{share.token}/tiles/{cell['fingerprint']}/{{z}}/")
    assert "annotationsUrl" not in cell
    assert client.get(cell["tileUrl"].format(z=0, x=0, y=0)).status_code == 200


def test_a_slide_link_with_annotations_names_their_url(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, include_annotations=True)
    (cell,) = share_data(client.get(open_url(share)))["cells"]  # type: ignore[misc]
    data = client.get(cell["annotationsUrl"]).json()
    assert (data["annotations"], data["editable"]) == ([], False)


def test_a_grid_link_keeps_its_arrangement_and_sync(owner: AbstractUser, client: Client) -> None:
    grid = {"slides": [SLIDE, OTHER_SLIDE, A1], "rows": 2, "columns": 2, "sync": True}
    share = make_share(owner, kind=Share.Kind.GRID, grid=grid)
    response = client.get(open_url(share))
    data = share_data(response)
    assert (data["rows"], data["columns"], data["sync"]) == (2, 2, True)
    cells = data["cells"]
    assert [cell and cell["path"] for cell in cells] == ["0", "1", "2", None]  # type: ignore[union-attr]
    assert response.content.count(b'class="viewer-stage share-cell"') == 3
    assert b"empty-cell" in response.content


def test_a_folder_link_shows_its_slides_and_subfolders(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    page = client.get(open_url(share)).content.decode()
    assert "CASE-001" in page
    assert "?folder=CASE-001" in page
    assert "demo/" not in page
    page = client.get(open_url(share), {"folder": "CASE-001"}).content.decode()
    assert f"/s/{share.token}/view/?slide=CASE-001/CASE-001-A2.svs" in page
    assert f"/s/{share.token}/images/thumbnail?slide=CASE-001/CASE-001-A2.svs" in page
    assert "demo/" not in page


@pytest.mark.embedded_only  # builds its own slides folder, with symlinks
def test_a_folder_links_page_lists_nothing_that_lies_outside_its_folder(
    owner: AbstractUser, client: Client, settings: Settings, demo_slides_dir: Path, tmp_path: Path
) -> None:
    for virtual in (A1, "teaching/CASE-T/CASE-T-secret.svs"):
        (tmp_path / virtual).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_slides_dir / A1, tmp_path / virtual)
    breast = tmp_path / "demo/breast"
    (breast / "teaching").symlink_to("../../teaching", target_is_directory=True)
    (breast / "leaked.svs").symlink_to("../../teaching/CASE-T/CASE-T-secret.svs")
    (breast / "CASE-001-again").symlink_to("CASE-001", target_is_directory=True)
    settings.SLIDES_DIR = tmp_path
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")

    page = client.get(open_url(share)).content.decode()
    assert "?folder=CASE-001" in page
    assert "?folder=CASE-001-again" in page  # a symlink that stays inside is fine
    assert "teaching" not in page and "leaked" not in page
    for folder in ("teaching", "teaching/CASE-T"):
        response = client.get(open_url(share), {"folder": folder})
        assert response.status_code == 404
        assert b"secret" not in response.content
    page = client.get(open_url(share), {"folder": "CASE-001-again"}).content.decode()
    assert "?slide=CASE-001-again/CASE-001-A1.svs" in page


@pytest.mark.parametrize("folder", ["..", "../skin", "demo/skin", "CASE-001/../../skin", "/demo"])
def test_a_folder_link_does_not_browse_outside(
    owner: AbstractUser, client: Client, folder: str
) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    assert client.get(open_url(share), {"folder": folder}).status_code in (400, 404)


def test_a_folder_links_slide_opens_in_the_share_viewer(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    view = reverse("sharing:view", args=[share.token])
    response = client.get(view, {"slide": "CASE-001/CASE-001-A1.svs"})
    assert response.status_code == 200
    assert share_data(response)["cells"][0]["path"] == "CASE-001/CASE-001-A1.svs"  # type: ignore[index]
    assert b"?folder=CASE-001" in response.content
    assert b"demo/" not in response.content
    assert client.get(view, {"slide": "../../skin/CASE-003/CASE-003-C2.svs"}).status_code == 400
    assert client.get(view, {"slide": A1}).status_code == 404  # an internal path names nothing
    assert client.get(view).status_code == 400


def test_the_share_viewer_asks_for_the_password(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast", password="pw")
    response = client.get(reverse("sharing:view", args=[share.token]), {"slide": A1})
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:password", args=[share.token])


def test_the_share_viewer_refuses_a_suspended_link(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast", suspended=True)
    response = client.get(reverse("sharing:view", args=[share.token]), {"slide": A1})
    assert response.status_code == 410
    assert b"CASE" not in response.content


def test_embed_mode_drops_the_chrome(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    page = client.get(open_url(share), {"embed": "1"}).content
    assert b"page-viewer embed" in page
    assert b"share-cell-name" not in page
    folder = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    page = client.get(open_url(folder), {"embed": "1"}).content
    assert b"&amp;embed=1" in page


@pytest.mark.parametrize("kind", ["slide", "folder", "grid"])
def test_share_pages_may_be_framed_by_allowed_origins(
    owner: AbstractUser, client: Client, settings: Settings, kind: str
) -> None:
    settings.SHARE_FRAME_ANCESTORS = ["https://lims.example.org"]
    path = "demo/breast" if kind == "folder" else SLIDE
    share = make_share(owner, kind=kind, path=path)
    response = client.get(open_url(share))
    assert frame_ancestors(response) == "'self' https://lims.example.org"
    assert "X-Frame-Options" not in response
    view = client.get(
        reverse("sharing:view", args=[share.token]), {"slide": share.slide_ref(SLIDE)}
    )
    if kind != "grid":
        assert frame_ancestors(view) == "'self' https://lims.example.org"


def test_an_opening_counts_one_visit_whatever_the_tiles(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    (cell,) = share_data(client.get(open_url(share)))["cells"]  # type: ignore[misc]
    for z in range(3):
        client.get(cell["tileUrl"].format(z=z, x=0, y=0))
    share.refresh_from_db()
    assert share.visits == 1


def test_browsing_a_folder_link_is_one_visit(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    client.get(open_url(share))
    assert client.get(open_url(share), {"folder": "CASE-001"}).status_code == 200
    view = reverse("sharing:view", args=[share.token])
    assert client.get(view, {"slide": "CASE-001/CASE-001-A1.svs"}).status_code == 200
    share.refresh_from_db()
    assert share.visits == 1
    client.get(open_url(share))
    share.refresh_from_db()
    assert share.visits == 2


def test_the_owners_label_is_not_on_the_page(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, label="<b>Mrs Smith</b>")
    assert b"Smith" not in client.get(open_url(share)).content


@pytest.mark.parametrize("kind", ["slide", "folder", "grid"])
def test_share_pages_never_show_internal_paths(
    owner: AbstractUser, client: Client, kind: str
) -> None:
    share = make_share(owner, kind=kind, path="demo/breast" if kind == "folder" else SLIDE)
    pages = [client.get(open_url(share))]
    if kind == "folder":
        pages.append(client.get(open_url(share), {"folder": "CASE-001"}))
        view = reverse("sharing:view", args=[share.token])
        pages.append(client.get(view, {"slide": "CASE-001/CASE-001-A1.svs"}))
    for page in pages:
        assert page.status_code == 200
        assert b"demo/" not in page.content and b"demo%2F" not in page.content
