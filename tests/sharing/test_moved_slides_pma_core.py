"""A share link whose slide moved, served by a tile server without GetSlidesByFingerprint
(a PMA.core): the visitor gets the readable "moved or removed" page, not an error.

The tile server is this project's live process behind a proxy that answers that one method
as ASP.NET Web API (PMA.core) answers a method it does not have."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import urllib3
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sharing.models import Share
from tests.base import client_for, make_user, use_tile_server
from tests.live_server import LiveTileServer
from tests.sharing.factory import open_url
from tests.sharing.test_moved_slides import move, moving_slide

__all__ = ["moving_slide"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.own_tile_server]
UNKNOWN = "getslidesbyfingerprint"


@pytest.fixture
def pma_core_like(live_tile_server: LiveTileServer) -> Iterator[LiveTileServer]:
    target = urllib3.connection_from_url(live_tile_server.url)

    class Proxy(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            if UNKNOWN in self.path.lower():
                body = json.dumps({"Message": "No HTTP resource was found."}).encode()
                self._send(404, {"Content-Type": "application/json"}, body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = target.urlopen(
                self.command,
                self.path,
                body=self.rfile.read(length) if length else None,
                headers=headers,
                retries=False,
            )
            kept = {"Content-Type": answer.headers.get("Content-Type", "application/json")}
            self._send(answer.status, kept, answer.data)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = urlsplit(live_tile_server.url).path
    yield dataclasses.replace(
        live_tile_server, url=f"http://127.0.0.1:{server.server_address[1]}{path}"
    )
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_moved_slide_gives_the_moved_or_removed_page(
    settings: Settings,
    fast_hashers: None,
    pma_core_like: LiveTileServer,
    demo_slides_dir: Path,
    moving_slide: str,
) -> None:
    use_tile_server(settings, pma_core_like)
    owner = make_user("pma-core-owner")
    response = client_for(owner).post(
        reverse("sharing:create"), {"kind": "slide", "slide": moving_slide}
    )
    assert response.status_code == 201, response.content
    share = Share.objects.get()
    move(demo_slides_dir, moving_slide, moving_slide.replace("/a/", "/b/"))

    page = Client().get(open_url(share))
    assert page.status_code == 404
    assert b"This slide was moved or removed" in page.content
    share.refresh_from_db()
    assert share.path == moving_slide
