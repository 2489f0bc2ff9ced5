from __future__ import annotations

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from sharing.decorators import embeddable
from tests.base import frame_ancestors


@embeddable
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


@embeddable
async def tile(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"jpeg", content_type="image/jpeg")


def test_sync_views_get_the_frame_headers(settings: Settings) -> None:
    settings.SHARE_FRAME_ANCESTORS = ["https://lims.example.org", "https://ris.example.org"]
    response = page(RequestFactory().get("/"))
    assert frame_ancestors(response) == ("'self' https://lims.example.org https://ris.example.org")
    assert response.xframe_options_exempt is True  # type: ignore[attr-defined]


def test_async_views_stay_async_and_get_the_frame_headers() -> None:
    assert iscoroutinefunction(tile)
    response = async_to_sync(tile)(RequestFactory().get("/"))
    assert frame_ancestors(response) == "'self'"
    assert response.xframe_options_exempt is True  # type: ignore[attr-defined]
