"""Static files served by the studio process itself (`make run`), through the real ASGI app."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

from studio.asgi import application


async def _get(path: str) -> dict:
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"127.0.0.1")])
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


def get(path: str) -> dict:
    return async_to_sync(_get)(path)


def test_static_files_are_served_with_nosniff() -> None:
    response = get("/static/studio/js/viewer.js")
    assert response["status"] == 200 and b"OpenSeadragon" in response["body"]
    assert dict(response["headers"])[b"X-Content-Type-Options"] == b"nosniff"


def test_climbing_out_of_the_static_folders_is_404_not_500() -> None:
    for path in ("/static/../../../../etc/passwd", "/static/vendor/openseadragon/../../../x"):
        assert get(path)["status"] == 404, path


def test_a_missing_static_file_is_404() -> None:
    assert get("/static/studio/js/nope.js")["status"] == 404
