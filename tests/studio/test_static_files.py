"""Static files served by the studio process itself (`make run`), through the real ASGI app."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from studio.asgi import application


async def _get(path: str, accept_encoding: bytes) -> dict:
    headers = [(b"host", b"127.0.0.1")]
    if accept_encoding:
        headers.append((b"accept-encoding", accept_encoding))
    communicator = HttpCommunicator(application, "GET", path, headers=headers)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:  # file answers stream in chunks
        chunk = await communicator.receive_output(timeout=10)
        body += chunk.get("body", b"")
        if not chunk.get("more_body"):
            break
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=10)
    return {"status": start["status"], "headers": start["headers"], "body": body}


def get(path: str, accept_encoding: bytes = b"") -> dict:
    return async_to_sync(_get)(path, accept_encoding)


def test_static_files_are_served_with_nosniff() -> None:
    response = get("/static/studio/js/viewer.js")
    assert response["status"] == 200 and b"OpenSeadragon" in response["body"]
    assert dict(response["headers"])[b"X-Content-Type-Options"] == b"nosniff"


def test_climbing_out_of_the_static_folders_is_404_not_500() -> None:
    for path in ("/static/../../../../etc/passwd", "/static/vendor/openseadragon/../../../x"):
        assert get(path)["status"] == 404, path


def test_a_missing_static_file_is_404() -> None:
    assert get("/static/studio/js/nope.js")["status"] == 404


def test_scripts_are_gzipped_for_browsers_that_accept_it() -> None:
    plain = get("/static/studio/js/viewer.js")
    packed = get("/static/studio/js/viewer.js", accept_encoding=b"gzip, deflate, br")
    headers = dict(packed["headers"])
    assert headers[b"Content-Encoding"] == b"gzip"
    assert b"Accept-Encoding" in headers[b"Vary"]
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert gzip.decompress(packed["body"]) == plain["body"]
    assert len(packed["body"]) < len(plain["body"]) / 2
    assert b"Content-Encoding" not in dict(plain["headers"])


def test_third_party_scripts_and_svg_are_gzipped_but_png_is_not() -> None:
    script = get("/static/vendor/openseadragon/openseadragon.js", accept_encoding=b"gzip")
    assert dict(script["headers"]).get(b"Content-Encoding") == b"gzip"
    icon = get("/static/studio/favicon.svg", accept_encoding=b"gzip")
    assert dict(icon["headers"]).get(b"Content-Encoding") == b"gzip"  # SVG is text
    png = get("/static/vendor/openseadragon/images/home_rest.png", accept_encoding=b"gzip")
    assert png["status"] == 200 and b"Content-Encoding" not in dict(png["headers"])


def test_pages_name_static_files_by_their_content_and_browsers_may_keep_those() -> None:
    url = static("studio/js/viewer.js")
    path, version = url.split("?v=")
    file = finders.find("studio/js/viewer.js")
    assert version == hashlib.sha256(Path(file).read_bytes()).hexdigest()[: len(version)]
    assert len(version) >= 10
    kept = dict(get(url)["headers"])
    assert kept[b"Cache-Control"] == b"public, max-age=31536000, immutable"
    # Without the current hash (a module imported by a relative path, or an old page):
    # asked again each time, so an edited file is never served stale.
    for other in (path, path + "?v=000000000000"):
        assert dict(get(other)["headers"])[b"Cache-Control"] == b"no-cache"


def test_an_edited_static_file_gets_a_new_name(tmp_path: Path, settings: Any) -> None:
    (tmp_path / "edited.js").write_text("export const a = 1;\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("edited", tmp_path)]
    finders.get_finder.cache_clear()
    try:
        before = static("edited/edited.js")
        (tmp_path / "edited.js").write_text("export const a = 2; // edited\n")
        after = static("edited/edited.js")
        assert before != after and after.startswith("/static/edited/edited.js?v=")
        assert (
            dict(get(after)["headers"])[b"Cache-Control"] == b"public, max-age=31536000, immutable"
        )
        assert dict(get(before)["headers"])[b"Cache-Control"] == b"no-cache"
    finally:
        finders.get_finder.cache_clear()


def test_the_cockpit_page_links_versioned_scripts(client: Client, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("static-user", password="pw-static-1234")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert re.search(r'src="/static/panels/js/cockpit\.js\?v=[0-9a-f]{12}"', page)
