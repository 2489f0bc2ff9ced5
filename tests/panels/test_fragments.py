"""The panel fragments: browser, info, thumbnail, label, macro, annotations."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.base import uid_on_tile_server
from tests.panels.slide_fixtures import *  # noqa: F403
from tests.tileserver.test_passthrough import write_aperio
from tileserver import engine

pytestmark = pytest.mark.django_db

SLIDE_PANELS = ["info", "thumbnail", "label", "macro", "annotations"]
ALL_PANELS = ["browser", *SLIDE_PANELS]
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/?slide=x"}


def get(client: Client, panel: str, htmx: bool = False, **query: Any) -> Any:
    return client.get(reverse(f"panels:{panel}"), query, **(HTMX if htmx else {}))


@pytest.mark.parametrize("panel", ALL_PANELS)
def test_htmx_gets_the_partial_only(owner_client: Client, slide_path: str, panel: str) -> None:
    response = get(owner_client, panel, htmx=True, slide=slide_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="panel-content')
    assert "<html" not in html and "htmx" not in html.split(">", 1)[0]


@pytest.mark.parametrize("panel", ALL_PANELS)
def test_a_plain_request_gets_a_page_around_the_partial(
    owner_client: Client, slide_path: str, panel: str
) -> None:
    response = get(owner_client, panel, slide=slide_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "panel-content" in html
    assert "django_htmx/htmx-2" in html


@pytest.mark.parametrize("panel", ALL_PANELS)
def test_anonymous_is_sent_to_log_in(client: Client, panel: str) -> None:
    response = get(client, panel, slide="demo/a.svs")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("panel", ALL_PANELS)
def test_anonymous_htmx_gets_401_and_a_redirect_for_the_whole_page(
    client: Client, panel: str
) -> None:
    response = get(client, panel, htmx=True, slide="demo/a.svs")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/login/?next=")


@pytest.mark.parametrize("panel", ALL_PANELS)
def test_wrong_method_is_refused(owner_client: Client, panel: str) -> None:
    assert owner_client.post(reverse(f"panels:{panel}")).status_code == 405


@pytest.mark.parametrize("panel", ALL_PANELS)
@pytest.mark.parametrize("bad", ["demo/../secret.svs", "/etc/passwd", "demo\\x.svs"])
def test_a_path_leaving_the_tree_is_a_400(owner_client: Client, panel: str, bad: str) -> None:
    response = get(owner_client, panel, slide=bad)
    assert response.status_code == 400
    assert b"Bad request" in response.content


@pytest.mark.parametrize("panel", SLIDE_PANELS)
def test_without_a_slide_it_asks_to_select_one(owner_client: Client, panel: str) -> None:
    response = get(owner_client, panel, htmx=True, slide="")
    assert response.status_code == 200
    assert b"Select a slide" in response.content


@pytest.mark.parametrize("panel", ["info", "thumbnail", "label", "macro"])
def test_a_missing_slide_is_a_final_banner_that_does_not_poll(
    owner_client: Client, slides_dir: Path, panel: str
) -> None:
    response = get(owner_client, panel, htmx=True, slide="demo/no-such-slide.svs")
    # htmx swaps only 2xx answers: the banner comes with 200; a 404 is final.
    assert response.status_code == 200
    html = response.content.decode()
    assert "This slide can't be opened:" in html
    assert "hx-trigger" not in html

    plain = get(owner_client, panel, slide="demo/no-such-slide.svs")
    assert plain.status_code == 404
    assert b"can't be opened" in plain.content


@pytest.mark.embedded_only
@pytest.mark.parametrize("panel", ["info", "thumbnail", "label", "macro"])
def test_a_tile_server_outage_is_a_banner_that_polls(
    owner_client: Client, slide_path: str, panel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmacore.errors import Unavailable

    def down(path_or_uid: str) -> Any:
        raise Unavailable("The tile server did not answer.")

    monkeypatch.setattr(engine, "slide_info", down)
    html = get(owner_client, panel, htmx=True, slide=slide_path).content.decode()
    assert "This slide can't be read right now:" in html
    assert 'hx-trigger="every 5s"' in html
    assert f'hx-get="{reverse(f"panels:{panel}")}?' in html


def test_an_unreadable_slide_is_a_banner_not_a_500(
    owner_client: Client, broken_slides_dir: Path
) -> None:
    response = get(owner_client, "info", slide="Broken/broken.svs")
    assert response.status_code == 422
    assert b"can't be opened" in response.content


@pytest.mark.embedded_only
def test_the_banner_turns_back_into_the_panel_once_the_slide_is_readable(
    owner_client: Client, slide_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmacore.errors import Unavailable

    real = engine.slide_info

    def down(path_or_uid: str) -> Any:
        raise Unavailable("The tile server did not answer.")

    monkeypatch.setattr(engine, "slide_info", down)
    banner = get(owner_client, "info", htmx=True, slide=slide_path)
    assert b"The tile server did not answer." in banner.content

    monkeypatch.setattr(engine, "slide_info", real)
    retry_url = re.search(r'hx-get="([^"]+)"', banner.content.decode()).group(1)
    again = owner_client.get(retry_url.replace("&amp;", "&"), **HTMX)
    assert again.status_code == 200
    assert b"panel-info" in again.content and b"Dimensions" in again.content


def test_info_shows_the_facts_of_the_slide(
    owner: AbstractUser, owner_client: Client, slide_path: str
) -> None:
    info = engine.slide_info(slide_path)
    response = get(owner_client, "info", htmx=True, slide=slide_path)
    html = response.content.decode()
    assert f"{info.width} \N{MULTIPLICATION SIGN} {info.height} px" in html
    assert f"{info.mpp_x:.4f} µm/px" in html
    assert "40\N{MULTIPLICATION SIGN}" in html
    assert info.file_format in html and info.vendor in html
    assert uid_on_tile_server(owner, slide_path) in html
    assert re.search(r"<dd>\d+(\.\d)?\s(KB|MB)</dd>", html), "human-readable file size"
    assert "Thumbnail, Barcode, Macro" in html
    assert f"<code>{engine.barcode_text(slide_path)}</code>" in html
    assert "<dt>Barcode</dt>" in html
    assert "Last modified" in html
    download = f'href="{reverse("slide-download")}?slide={quote(slide_path, safe="/")}" download'
    assert download in html, "the info panel offers Download slide"


@pytest.mark.embedded_only
def test_info_lists_every_barcode_of_a_label(
    owner_client: Client, slide_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "barcodes", lambda p: ["S-2026-00042", "BLOCK-<A1>"])
    html = get(owner_client, "info", htmx=True, slide=slide_path).content.decode()
    assert "<dt>Barcodes</dt>" in html
    assert "<code>S-2026-00042</code><br><code>BLOCK-&lt;A1&gt;</code>" in html


@pytest.mark.embedded_only
def test_info_says_when_no_barcode_is_readable(
    owner_client: Client, slide_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "barcodes", lambda p: [])
    html = get(owner_client, "info", htmx=True, slide=slide_path).content.decode()
    assert "none readable" in html


@pytest.mark.parametrize("kind", ["thumbnail", "label", "macro"])
def test_image_panels_show_the_image_from_the_image_route(
    owner_client: Client, slide_path: str, kind: str
) -> None:
    response = get(owner_client, kind, htmx=True, slide=slide_path)
    html = response.content.decode()
    assert f'src="/images/{kind}?slide={quote(slide_path)}&amp;w=' in html
    image = owner_client.get(f"/images/{kind}", {"slide": slide_path, "w": 64, "h": 64})
    assert image.status_code == 200


@pytest.mark.embedded_only
@pytest.mark.parametrize(("kind", "what"), [("label", "label"), ("macro", "macro")])
def test_a_slide_without_the_image_says_so(
    owner_client: Client, slide_path: str, monkeypatch: pytest.MonkeyPatch, kind: str, what: str
) -> None:
    real = engine.slide_info
    monkeypatch.setattr(
        engine,
        "slide_info",
        lambda p: dataclasses.replace(real(p), associated_images=("Thumbnail",)),
    )
    response = get(owner_client, kind, htmx=True, slide=slide_path)
    assert f"There is no {what} on this slide".encode() in response.content
    assert b"<img" not in response.content


def test_user_text_is_escaped(owner_client: Client, slides_dir: Path) -> None:
    response = get(owner_client, "annotations", htmx=True, slide="demo/<b>x.svs")
    assert b"<b>x" not in response.content
    assert b"&lt;b&gt;x.svs" in response.content


# --- the slide browser --------------------------------------------------------------------


def test_browser_starts_at_the_root_directories(owner_client: Client, slides_dir: Path) -> None:
    html = get(owner_client, "browser", htmx=True).content.decode()
    assert 'aria-current="location" tabindex="-1">All slides' in html
    for root in engine.root_directories():
        assert f"?folder={root}" in html


def test_browser_navigates_folders_inside_the_panel_with_href_fallbacks(
    owner_client: Client, slide_path: str
) -> None:
    folder = slide_path.rsplit("/", 1)[0]
    html = get(owner_client, "browser", htmx=True, folder=folder).content.decode()
    # Breadcrumbs up to the folder, each an htmx swap of this panel with an href fallback.
    for part in folder.split("/")[:-1]:
        assert f">{part}</a>" in html
    assert 'hx-target="closest .panel-browser"' in html
    link = re.search(r'<a class="folder" href="([^"]+)" hx-get="([^"]+)"', html)
    if link:
        assert link.group(1) == link.group(2)
        assert link.group(1).startswith("/panels/browser/?")


def test_browser_slide_links_select_the_slide(owner_client: Client, slide_path: str) -> None:
    folder = slide_path.rsplit("/", 1)[0]
    html = get(owner_client, "browser", htmx=True, folder=folder, slide=slide_path).content
    html = html.decode()
    expected = f'href="/?slide={quote(slide_path)}" data-select-slide="{slide_path}"'
    assert expected in html
    assert 'aria-current="true"' in html


def test_browser_gallery_shows_lazy_thumbnails(owner_client: Client, slide_path: str) -> None:
    folder = slide_path.rsplit("/", 1)[0]
    html = get(owner_client, "browser", htmx=True, folder=folder, view="gallery").content.decode()
    assert "is-gallery" in html
    assert f'src="/images/thumbnail?slide={quote(slide_path)}&amp;w=160&amp;h=120"' in html
    assert 'loading="lazy"' in html
    listed = get(owner_client, "browser", htmx=True, folder=folder, view="list").content
    assert b"/images/thumbnail" not in listed


@pytest.mark.parametrize("view", ["list", "gallery"])
def test_browser_shows_each_slides_label_and_barcode(
    owner_client: Client, slides_dir: Path, view: str
) -> None:
    slide = "demo/breast/CASE-001/CASE-001-A2.svs"
    html = get(owner_client, "browser", htmx=True, folder="demo/breast/CASE-001", view=view)
    html = html.content.decode()
    assert f'class="slide-label" src="/images/label?slide={quote(slide)}&amp;w=48&amp;h=48"' in html
    assert '<span class="slide-barcode" title="Barcode">CASE-001-A2</span>' in html


@pytest.mark.embedded_only
def test_browser_shows_no_label_image_for_a_slide_without_one(
    owner_client: Client, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "r").mkdir()
    write_aperio(tmp_path / "r" / "plain.svs", 300, 200, label=False, barcode="")
    settings.SLIDES_DIR = tmp_path
    html = get(owner_client, "browser", htmx=True, folder="r").content.decode()
    assert 'data-select-slide="r/plain.svs"' in html
    assert "slide-label" not in html and "slide-barcode" not in html


@pytest.mark.embedded_only
def test_browser_search_finds_slides_by_barcode(
    owner_client: Client, slides_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "lab").mkdir()
    shutil.copy(slides_dir / "demo/colon/CASE-002/CASE-002-B1.svs", tmp_path / "lab" / "x.svs")
    shutil.copy(slides_dir / "demo/colon/CASE-002/CASE-002-B1.svs", tmp_path / "lab" / "b1.svs")
    settings.SLIDES_DIR = tmp_path
    html = get(owner_client, "browser", htmx=True, q="B1").content.decode()
    assert "2 slides matching “B1”." in html
    # Name matches first, then barcode matches.
    assert html.index('data-select-slide="lab/b1.svs"') < html.index(
        'data-select-slide="lab/x.svs"'
    )


@pytest.mark.embedded_only
def test_browser_pages_large_folders(owner_client: Client, many_slides_dir: Path) -> None:
    folder = "Big/Case & Co"
    first = get(owner_client, "browser", htmx=True, folder=folder).content.decode()
    assert first.count("data-select-slide=") == 48
    assert "Show more (48 of 60 shown)" in first
    more = re.search(r'<li class="load-more">\s*<a href="([^"]+)"', first).group(1)
    assert "page=2" in more

    second = owner_client.get(more.replace("&amp;", "&"), **HTMX).content.decode()
    assert second.count("data-select-slide=") == 12
    assert "panel-browser" not in second, "the next page is only the list items"
    assert "load-more" not in second
    assert "slide-59.svs" in second

    plain = owner_client.get(more.replace("&amp;", "&"))
    assert plain.status_code == 200 and b"<!doctype html>" in plain.content


def test_browser_searches_below_the_current_folder(owner_client: Client, slides_dir: Path) -> None:
    html = get(owner_client, "browser", htmx=True, folder="demo", q="a1").content.decode()
    assert "1 slide matching “a1” in demo." in html
    assert 'data-select-slide="demo/breast/CASE-001/CASE-001-A1.svs"' in html
    assert ">breast/CASE-001/CASE-001-A1.svs<" in html

    everywhere = get(owner_client, "browser", htmx=True, q="teach").content.decode()
    assert everywhere.count("data-select-slide=") == 2

    none = get(owner_client, "browser", htmx=True, q="nothing-like-this").content.decode()
    assert "No slide name or barcode contains “nothing-like-this”." in none


def test_browser_refuses_bad_input(owner_client: Client, slides_dir: Path) -> None:
    assert get(owner_client, "browser", folder="../x").status_code == 400
    assert get(owner_client, "browser", page="0").status_code == 400
    assert get(owner_client, "browser", view="tiles").status_code == 400
    assert get(owner_client, "browser", q="x" * 101).status_code == 400


def test_browser_missing_folder_is_readable(owner_client: Client, slides_dir: Path) -> None:
    response = get(owner_client, "browser", folder="demo/no-such-folder")
    assert response.status_code == 404
    assert b"can't be opened" in response.content


def test_browser_opens_at_the_selected_slides_folder(owner_client: Client, slide_path: str) -> None:
    folder = slide_path.rpartition("/")[0]
    html = get(owner_client, "browser", htmx=True, slide=slide_path).content.decode()
    assert f'data-folder="{folder}"' in html
    assert f'aria-current="location" tabindex="-1">{folder.rsplit("/", 1)[-1]}<' in html
    assert f'data-select-slide="{slide_path}"' in html


def test_browser_all_slides_goes_to_the_top_with_a_slide_selected(
    owner_client: Client, slide_path: str
) -> None:
    html = get(owner_client, "browser", htmx=True, slide=slide_path).content.decode()
    top = re.search(r'<a href="([^"]+)"[^>]*>All slides</a>', html).group(1)
    assert "folder=&" in top.replace("&amp;", "&") or top.endswith("folder=")
    html = owner_client.get(top.replace("&amp;", "&"), **HTMX).content.decode()
    assert 'aria-current="location" tabindex="-1">All slides' in html
    assert 'data-folder=""' in html


def test_browser_does_not_query_the_database_per_slide(
    owner_client: Client, many_slides_dir: Path, django_assert_max_num_queries: Any
) -> None:
    get(owner_client, "browser", folder="Big/Case & Co")  # opens the tile-server session
    with django_assert_max_num_queries(4):
        get(owner_client, "browser", htmx=True, folder="Big/Case & Co")


# --- the viewer panel's slide data -------------------------------------------------------


def test_slide_info_json_is_the_viewer_pages_data(owner_client: Client, slide_path: str) -> None:
    response = owner_client.get(reverse("panels:slide-info-json"), {"slide": slide_path})
    assert response.status_code == 200
    data = response.json()
    info = engine.slide_info(slide_path)
    assert data["fingerprint"] == info.fingerprint
    assert data["width"] == info.width and data["maxZoomLevel"] == info.max_zoom_level
    assert data["tileUrl"].startswith(f"/tiles/{info.fingerprint}/{{z}}/{{x}}_{{y}}.jpg?slide=")
    assert data["associatedImages"] == list(info.associated_images)


def test_slide_info_json_errors_are_json(owner_client: Client, slides_dir: Path) -> None:
    url = reverse("panels:slide-info-json")
    missing = owner_client.get(url, {"slide": "demo/none.svs"})
    assert missing.status_code == 404 and "error" in missing.json()
    assert owner_client.get(url, {"slide": "../x"}).status_code == 400
    assert Client().get(url, {"slide": "demo/none.svs"}).status_code == 302
