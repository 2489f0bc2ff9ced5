"""GET /: the cockpit of the user's layout, its ribbon rendered from the layout file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractUser
from django.test import Client
from lxml import html as lxml_html
from pytest_django.fixtures import Settings

from panels.layouts.loader import load_layouts
from panels.layouts.model import Field
from panels.models import CockpitPreference
from panels.registry import PANEL_TYPES, RIBBON_ACTIONS
from tests.base import FAST_HASHERS, client_for, make_user
from tests.panels.conftest import layout_xml, write

pytestmark = pytest.mark.django_db

SHIPPED = Path(django_settings.BASE_DIR) / "layouts"


@pytest.fixture
def owner(settings: Settings) -> AbstractUser:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return make_user("owner")


@pytest.fixture
def owner_client(owner: AbstractUser) -> Client:
    return client_for(owner)


@pytest.fixture
def admin_client(settings: Settings) -> Client:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return client_for(make_user("admin", is_staff=True))


@pytest.fixture
def broken_layouts(layouts_dir: Path, settings: Settings) -> Path:
    """The shipped default layout next to a file that fails the schema on line 4."""
    shutil.copy(SHIPPED / "default.xml", layouts_dir / "default.xml")
    broken = layout_xml("broken").replace('<tab id="home"', '<tab id="home" colour="red"')
    write(layouts_dir / "broken.xml", broken)
    settings.LAYOUTS_DIR = layouts_dir
    return layouts_dir


def page(response: object) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.content)  # type: ignore[attr-defined]


def test_it_renders_the_ribbon_of_the_default_layout(owner_client: Client) -> None:
    response = owner_client.get("/")
    assert response.status_code == 200
    doc = page(response)
    layout = load_layouts().get("default")

    tabs = doc.xpath('//*[@role="tablist"]/*[@role="tab"]')
    assert [t.text_content().strip() for t in tabs] == [t.label for t in layout.ribbon.tabs]
    assert [t.get("aria-selected") for t in tabs] == ["true", "false", "false", "false"]
    panels = doc.xpath('//*[@role="tabpanel"]')
    assert [p.get("aria-labelledby") for p in panels] == [t.get("id") for t in tabs]
    assert [p.get("hidden") is None for p in panels] == [True, False, False, False]

    for tab in layout.ribbon.tabs:
        panel = doc.get_element_by_id(f"ribbon-panel-{tab.id}")
        labels = panel.xpath('.//*[@class="ribbon-group-label"]/text()')
        assert labels == [g.label for g in tab.groups]
        for group in tab.groups:
            for item in group.items:
                button = doc.get_element_by_id(f"ribbon-item-{item.id}")
                if isinstance(item, Field):
                    (field,) = button.xpath(".//input")
                    assert button.tag == "label" and field.get("data-action") == item.action
                    assert button.text_content().strip() == item.label
                    continue
                assert button.tag == "button" and button.get("type") == "button"
                assert button.get("data-action") == item.action
                assert button.text_content().strip() == item.label
                if item.shortcut:
                    assert button.get("data-shortcut") == item.shortcut


def test_toggles_and_shortcuts_are_announced(owner_client: Client) -> None:
    doc = page(owner_client.get("/"))
    navigator = doc.get_element_by_id("ribbon-item-navigator")
    assert navigator.get("aria-pressed") == "true"
    assert navigator.get("aria-keyshortcuts") == "N"
    assert doc.get_element_by_id("ribbon-item-overview").get("aria-pressed") == "false"
    share = doc.get_element_by_id("ribbon-item-share-dialog")
    assert share.get("aria-keyshortcuts") == "Control+Shift+S"
    assert share.get("aria-pressed") is None
    grid = doc.get_element_by_id("ribbon-item-grid-2x3")
    assert grid.get("data-params") == '{"rows": 2, "columns": 3}'


def test_the_page_carries_what_the_panel_manager_needs(owner_client: Client) -> None:
    data = owner_client.get("/").context["cockpit_data"]
    assert data["layout"] == load_layouts().get("default").to_dict()
    assert data["actions"] == sorted(RIBBON_ACTIONS)
    assert set(data["panelTypes"]) == set(PANEL_TYPES)
    assert data["panelTypes"]["viewer"]["url"] is None
    assert data["panelTypes"]["info"]["slideAware"] is True
    assert data["urls"]["arrangement"] == "/panels/arrangement/default/"
    assert set(data["customPanelUrls"]) == {"label-demo"}
    assert data["arrangement"] is None


def test_it_carries_the_selected_slide(owner_client: Client) -> None:
    response = owner_client.get("/", {"slide": "demo/case 1/HE.svs"})
    assert response.context["cockpit_data"]["slide"] == "demo/case 1/HE.svs"


@pytest.mark.parametrize("query", [{"slide": "../etc/passwd"}, {"layout": "../default"}])
def test_it_refuses_bad_queries(owner_client: Client, query: dict[str, str]) -> None:
    assert owner_client.get("/", query).status_code == 400


def test_it_remembers_the_layout_the_user_switched_to(
    owner: AbstractUser, owner_client: Client
) -> None:
    response = owner_client.get("/", {"layout": "reading"})
    assert response.context["layout"].id == "reading"
    assert owner_client.get("/").context["layout"].id == "reading"
    assert CockpitPreference.objects.get(user=owner).layout_id == "reading"
    # Another user still starts with the default.
    assert client_for(make_user("other")).get("/").context["layout"].id == "default"


def test_it_marks_the_current_layout_in_the_ribbon(owner_client: Client) -> None:
    doc = page(owner_client.get("/", {"layout": "reading"}))
    assert doc.get_element_by_id("ribbon-item-to-reading").get("aria-current") == "true"
    assert doc.get_element_by_id("ribbon-item-to-default").get("aria-current") is None


def test_an_unknown_layout_gives_the_default(owner: AbstractUser, owner_client: Client) -> None:
    owner_client.get("/", {"layout": "reading"})
    response = owner_client.get("/", {"layout": "no-such-layout"})
    assert response.status_code == 200
    assert response.context["layout"].id == "default"
    assert CockpitPreference.objects.get(user=owner).layout_id == "reading"


def test_a_remembered_layout_that_was_deleted_gives_the_default(
    owner: AbstractUser, owner_client: Client
) -> None:
    CockpitPreference.objects.create(user=owner, layout_id="gone")
    assert owner_client.get("/").context["layout"].id == "default"


def test_a_switch_to_a_layout_that_is_not_loaded_is_disabled(
    owner_client: Client, broken_layouts: Path
) -> None:
    doc = page(owner_client.get("/"))
    assert doc.get_element_by_id("ribbon-item-to-reading").get("disabled") is not None
    assert doc.get_element_by_id("ribbon-item-to-review").get("disabled") is not None
    assert doc.get_element_by_id("ribbon-item-to-default").get("disabled") is None


def test_staff_see_the_layout_errors(admin_client: Client, broken_layouts: Path) -> None:
    doc = page(admin_client.get("/"))
    banner = doc.xpath("//*[@data-layout-errors]")
    assert len(banner) == 1
    text = banner[0].text_content()
    assert "layouts/broken.xml:4:" in text
    assert "colour" in text
    # It never loaded: the banner does not claim a last good version is in use.
    assert "(it is not offered until the file is fixed)" in text
    assert "last good version" not in text
    assert banner[0].xpath(".//button[@data-dismiss]")


def test_a_layout_whose_file_never_loaded_is_not_shown_nor_remembered(
    owner: AbstractUser, owner_client: Client, broken_layouts: Path
) -> None:
    owner_client.get("/", {"layout": "default"})
    response = owner_client.get("/", {"layout": "broken"})
    assert response.context["layout"].id == "default"
    notice = page(response).xpath("//*[@data-layout-notice]")[0].text_content()
    assert "The layout “broken” cannot be used: its file has errors." in notice
    assert "This is the Default layout." in notice
    assert CockpitPreference.objects.get(user=owner).layout_id == "default"
    # Plain / afterwards: the full default layout, switches and sharing included.
    doc = page(owner_client.get("/"))
    assert doc.get_element_by_id("ribbon-item-share-slide") is not None
    assert doc.get_element_by_id("ribbon-item-to-default") is not None
    assert not doc.xpath("//*[@data-layout-notice]")


def test_a_remembered_layout_whose_file_broke_for_good_gives_the_default(
    owner: AbstractUser, owner_client: Client, broken_layouts: Path
) -> None:
    CockpitPreference.objects.create(user=owner, layout_id="broken")
    assert owner_client.get("/").context["layout"].id == "default"


def test_other_users_do_not_see_the_layout_errors(
    owner_client: Client, broken_layouts: Path
) -> None:
    response = owner_client.get("/")
    assert response.status_code == 200
    assert b"data-layout-errors" not in response.content
    assert b"broken.xml" not in response.content


def test_it_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_it_refuses_post(owner_client: Client) -> None:
    assert owner_client.post("/").status_code == 405


def test_the_browse_page_stays_as_a_fallback(owner_client: Client) -> None:
    doc = page(owner_client.get("/"))
    assert doc.xpath('//a[@href="/browse/"]')


def test_style_fields_are_inputs_of_their_kind_with_the_presets_as_class_choices(
    owner_client: Client,
) -> None:
    doc = page(owner_client.get("/"))

    def field(item_id: str) -> Any:
        (found,) = doc.get_element_by_id(f"ribbon-item-{item_id}").xpath(".//input")
        return found

    assert field("style-edge").get("type") == "color"
    opacity = field("style-opacity")
    assert (opacity.get("type"), opacity.get("min"), opacity.get("max")) == ("range", "0", "100")
    assert field("style-width").get("type") == "number"
    assert field("annotation-class").get("list") == "annotation-classes"
    assert json.loads(field("annotation-class").get("data-params")) == {"property": "class"}
    classes = doc.xpath('//datalist[@id="annotation-classes"]/option/@value')
    assert classes == [p.class_name for p in load_layouts().get("default").presets]
