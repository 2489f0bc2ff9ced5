"""The remote transport against a real second process of this project over HTTP.

The embedded engine, reading the same slide files in this process, is the oracle: a remote
tile server must give the studio the same slides, facts and tile bytes (UIDs excepted: each
server gives its own).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from pmacore.errors import (
    BadAnswer,
    DirectoryNotFound,
    NotAuthenticated,
    NotSupported,
    SlideNotFound,
    Unavailable,
)
from pmacore.types import EncodedImage
from studio.tileclient.remote import RemoteClient
from tests import remote_users
from tests.base import PASSWORD, make_user
from tests.live_server import LiveTileServer
from tileserver import engine

pytestmark = [pytest.mark.django_db, pytest.mark.own_tile_server]


@pytest.fixture
def remote(live_tile_server: LiveTileServer) -> RemoteClient:
    return RemoteClient(live_tile_server.url)


@pytest.fixture
def session_id(remote: RemoteClient, live_tile_server: LiveTileServer) -> str:
    return remote.authenticate(live_tile_server.username, live_tile_server.password).session_id


@pytest.fixture
def slide(demo_slides_dir: object) -> str:
    return engine.find_slides("", ".svs")[0]


def test_authenticate_reports_who_logged_in(
    remote: RemoteClient, live_tile_server: LiveTileServer
) -> None:
    login = remote.authenticate(live_tile_server.username, live_tile_server.password)
    assert login.username == live_tile_server.username
    assert login.email == "tiles@example.org"
    assert len(login.session_id) >= 16


def test_a_wrong_password_is_not_authenticated(
    remote: RemoteClient, live_tile_server: LiveTileServer
) -> None:
    with pytest.raises(NotAuthenticated, match="Invalid username or password"):
        remote.authenticate(live_tile_server.username, "not-the-password")


def test_browsing_gives_what_the_engine_gives(remote: RemoteClient, session_id: str) -> None:
    roots = remote.root_directories(session_id)
    assert roots == engine.root_directories()
    folder = remote.directories(session_id, roots[0])[0]
    assert remote.directories(session_id, folder) == engine.directories(folder)
    for sub in remote.directories(session_id, folder):
        assert remote.slides(session_id, sub) == engine.slides(sub)
    assert remote.find_slides(session_id, "", "a1") == engine.find_slides("", "a1")


def test_slide_info_is_the_engines(remote: RemoteClient, session_id: str, slide: str) -> None:
    info = remote.slide_info(session_id, slide)
    local = engine.slide_info(slide)
    assert len(info.uid) == 10
    # The wire carries milliseconds; UIDs are each server's own.
    assert dataclasses.replace(info, uid=local.uid, last_modified=local.last_modified) == local
    assert abs((info.last_modified - local.last_modified).total_seconds()) < 0.001


def test_tiles_and_images_are_the_engines_bytes(
    remote: RemoteClient, session_id: str, slide: str
) -> None:
    tile = remote.tile(session_id, slide, 0, 0, engine.slide_info(slide).max_zoom_level)
    assert tile == engine.tile(slide, 0, 0, engine.slide_info(slide).max_zoom_level)
    assert remote.thumbnail(session_id, slide, 200, 0).content_type == "image/jpeg"
    assert remote.label(session_id, slide).data == engine.label(slide).data
    assert remote.macro(session_id, slide, 300, 0).data == engine.macro(slide, 300, 0).data
    assert remote.barcode_text(session_id, slide) == engine.barcode_text(slide)
    assert remote.barcodes(session_id, slide) == engine.barcodes(slide)


def test_an_admin_session_turns_a_uid_back_into_its_path(
    remote: RemoteClient, session_id: str, slide: str
) -> None:
    uid = remote.slide_info(session_id, slide).uid
    assert remote.reverse_lookup_uid(session_id, uid) == slide
    with pytest.raises(SlideNotFound):
        remote.reverse_lookup_uid(session_id, "ZZZZZZZZZ9")


def test_a_missing_slide_is_slide_not_found(remote: RemoteClient, session_id: str) -> None:
    with pytest.raises(SlideNotFound):
        remote.slide_info(session_id, "demo/no-such-slide.svs")
    with pytest.raises(SlideNotFound):
        remote.tile(session_id, "demo/no-such-slide.svs", 0, 0, 0)


def test_a_missing_folder_is_directory_not_found(remote: RemoteClient, session_id: str) -> None:
    with pytest.raises(DirectoryNotFound):
        remote.directories(session_id, "demo/no-such-folder")


def test_an_unknown_session_is_not_authenticated(remote: RemoteClient) -> None:
    with pytest.raises(NotAuthenticated):
        remote.root_directories("no-such-session")


def test_a_session_ends_with_deauthenticate(
    remote: RemoteClient, live_tile_server: LiveTileServer
) -> None:
    admin = remote.authenticate(live_tile_server.username, live_tile_server.password)
    # The same user gets the same session: end a second user's, not the admin's.
    remote_users.create(make_user("leaving"), PASSWORD, live_tile_server)
    own = remote.authenticate("leaving", PASSWORD).session_id
    assert own != admin.session_id
    remote.deauthenticate(own)
    with pytest.raises(NotAuthenticated):
        remote.root_directories(own)


def test_the_studio_knows_the_user_of_a_session_it_opened(
    remote: RemoteClient, live_tile_server: LiveTileServer, owner: AbstractUser
) -> None:
    remote_users.create(owner, PASSWORD, live_tile_server)
    session_id = remote.authenticate("owner", PASSWORD).session_id
    assert remote.user_for_session(session_id) == owner
    assert remote.user_for_session("a-session-the-studio-never-saw") is None


def test_without_a_service_account_delegation_says_what_to_set(
    remote: RemoteClient, owner: AbstractUser
) -> None:
    with pytest.raises(NotAuthenticated, match="TILE_SERVER_SERVICE_USERNAME"):
        remote.delegated_session(owner)


def test_delegation_uses_the_service_account(
    live_tile_server: LiveTileServer, owner: AbstractUser
) -> None:
    remote = RemoteClient(
        live_tile_server.url,
        service_username=live_tile_server.username,
        service_password=live_tile_server.password,
    )
    session_id = remote.delegated_session(owner)
    assert remote.root_directories(session_id) == engine.root_directories()
    owner.is_active = False
    with pytest.raises(NotAuthenticated, match="disabled"):
        remote.delegated_session(owner)


def test_a_server_that_is_not_there_is_unavailable_and_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    remote = RemoteClient(f"http://127.0.0.1:{port}/core/")
    unavailable = f"the tile server at 127.0.0.1:{port} cannot be reached"
    with pytest.raises(Unavailable, match=unavailable):
        remote.root_directories("any")
    with pytest.raises(Unavailable, match=unavailable):  # a tile, fetched on the event loop
        asyncio.run(remote.atile("any", "lab/a.svs", 0, 0, 0))


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_server_that_does_not_answer_in_time_is_unavailable(silent_server: int) -> None:
    remote = RemoteClient(f"http://127.0.0.1:{silent_server}/core/", read_timeout=0.3)
    with pytest.raises(Unavailable, match="did not answer in time"):
        remote.root_directories("any")


def test_a_server_that_does_not_speak_pma_core_is_a_bad_answer(
    live_tile_server: LiveTileServer,
) -> None:
    # The studio's login page is HTML, not the PMA.core API.
    remote = RemoteClient(live_tile_server.url.removesuffix("core/") + "login/")
    with pytest.raises(BadAnswer):
        remote.root_directories("any")


def test_a_moved_slide_is_found_by_its_fingerprint(
    remote: RemoteClient, session_id: str, slide: str
) -> None:
    fingerprint = remote.slide_info(session_id, slide).fingerprint
    assert slide in remote.slides_by_fingerprint(session_id, fingerprint)
    assert remote.slides_by_fingerprint(session_id, "never-seen-fingerprint") == []


class Answering(BaseHTTPRequestHandler):
    def answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server answering with `handler`: the tile-server URL to give."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/core/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def pma_core_without_fingerprint_search() -> Iterator[str]:
    """An HTTP server answering every call as ASP.NET Web API (PMA.core) answers a method it
    does not have: 404 with a JSON `Message`."""

    class Handler(Answering):
        def do_GET(self) -> None:
            body = json.dumps({"Message": f"No HTTP resource was found for '{self.path}'."})
            self.answer(404, "application/json; charset=utf-8", body.encode())

    with http_server(Handler) as url:
        yield url


def test_a_server_without_fingerprint_search_says_it_cannot(
    pma_core_without_fingerprint_search: str,
) -> None:
    remote = RemoteClient(pma_core_without_fingerprint_search)
    with pytest.raises(NotSupported, match="cannot find a slide by its fingerprint"):
        remote.slides_by_fingerprint("any", "abc")


FILE_BYTES = bytes(range(256)) * 4096  # 1 MiB: several chunks


@pytest.fixture
def server_ignoring_ranges() -> Iterator[str]:
    """An HTTP server whose transfer/Download sends the whole file whatever Range asks, as
    a server may."""

    class Handler(Answering):
        def do_GET(self) -> None:
            self.answer(200, "application/octet-stream", FILE_BYTES)

    with http_server(Handler) as url:
        yield url


def test_a_range_from_a_server_that_sends_everything_is_cut_out(
    server_ignoring_ranges: str,
) -> None:
    remote = RemoteClient(server_ignoring_ranges)
    span = (300_000, 900_000)
    download = remote.download_file("any", "lab/a.svs", "a.svs", span)
    try:
        assert download.size == len(FILE_BYTES)
        assert b"".join(download.chunks()) == FILE_BYTES[300_000:900_001]
    finally:
        download.close()


def test_a_range_is_asked_of_the_tile_server(
    remote: RemoteClient, session_id: str, slide: str, demo_slides_dir: Path
) -> None:
    data = (demo_slides_dir / slide).read_bytes()
    name = slide.rpartition("/")[2]
    download = remote.download_file(session_id, slide, name, (100, 199))
    try:
        assert download.size == len(data)
        assert b"".join(download.chunks()) == data[100:200]
    finally:
        download.close()


def test_tiles_on_the_event_loop_are_the_engines_bytes(
    remote: RemoteClient, session_id: str, slide: str
) -> None:
    z = engine.slide_info(slide).max_zoom_level
    tiles = asyncio.run(_tiles(remote, session_id, slide, z, [(0, 0), (1, 0), (0, 0)]))
    assert tiles[0] == tiles[2] == engine.tile(slide, 0, 0, z)
    assert tiles[1] == engine.tile(slide, 1, 0, z)
    gc.collect()


async def _tiles(
    remote: RemoteClient, session_id: str, slide: str, z: int, where: list[tuple[int, int]]
) -> list[EncodedImage]:
    return [await remote.atile(session_id, slide, x, y, z) for x, y in where]


def test_a_tile_from_an_unknown_session_is_not_authenticated(
    remote: RemoteClient, slide: str
) -> None:
    with pytest.raises(NotAuthenticated):
        asyncio.run(remote.atile("no-such-session", slide, 0, 0, 0))


def test_a_tile_from_a_server_that_does_not_answer_in_time_is_unavailable(
    silent_server: int,
) -> None:
    remote = RemoteClient(f"http://127.0.0.1:{silent_server}/core/", read_timeout=0.3)
    with pytest.raises(Unavailable, match="did not answer in time"):
        asyncio.run(remote.atile("any", "lab/a.svs", 0, 0, 0))


@pytest.fixture
def busy_then_serving() -> Iterator[tuple[str, list[str]]]:
    """A server that answers its first tile request 503 (as a proxy in front of a
    restarting tile server), then a JPEG; and its list of request paths."""
    asked: list[str] = []

    class Handler(Answering):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            asked.append(self.path)
            if len(asked) == 1:
                self.answer(503, "text/plain", b"busy")
            else:
                self.answer(200, "image/jpeg", b"JPEG")

    with http_server(Handler) as url:
        yield url, asked


def test_a_tile_the_server_was_too_busy_for_is_asked_again(
    busy_then_serving: tuple[str, list[str]],
) -> None:
    url, asked = busy_then_serving
    tile = asyncio.run(RemoteClient(url).atile("sid", "lab/a b.svs", 3, 4, 5))
    assert tile == EncodedImage(b"JPEG", "image/jpeg")
    assert len(asked) == 2
    assert asked[1] == "/core/tile?sessionID=sid&pathOrUid=lab%2Fa+b.svs&format=jpg&x=3&y=4&z=5"
