"""The studio's upload routes, through the tile-server client: embedded, and a remote tile
server of their own (the shared demo slides stay untouched)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tests.base import client_for, make_user
from tests.tileserver.transfer_fixtures import (
    SVS,
    transfer_mode,
    transfer_server,
    transfer_slides_dir,
)

__all__ = ["transfer_mode", "transfer_server", "transfer_slides_dir"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.own_tile_server]


def uploader(name: str, *, allowed: bool) -> Client:
    # Superusers hold every permission, `tileserver.upload_slides` included (on a remote
    # tile server an administrator made by CreateUser is one).
    user: AbstractUser = make_user(name, is_superuser=allowed, is_staff=allowed)
    return client_for(user)


def upload(client: Client, folder: str, name: str, data: bytes) -> tuple[int, dict]:
    """The three steps the browser takes; the first refusal's status and answer."""
    started = client.post(
        "/slides/upload/",
        {"folder": folder, "files": [{"path": name, "length": len(data)}]},
        content_type="application/json",
    )
    if started.status_code != 201:
        return started.status_code, started.json()
    upload_id = started.json()["id"]
    sent = client.post(
        f"/slides/upload/{upload_id}/?path={name}", data, content_type="application/octet-stream"
    )
    if sent.status_code != 200:
        return sent.status_code, sent.json()
    finished = client.post(f"/slides/upload/{upload_id}/finish/")
    return finished.status_code, finished.json()


def test_upload_puts_the_slide_in_the_folder(transfer_mode: str, transfer_slides_dir: Path) -> None:
    client = uploader(f"up-{transfer_mode}", allowed=True)
    data = (transfer_slides_dir / SVS).read_bytes()
    folder = f"lab/studio-{transfer_mode}"

    status, body = upload(client, folder, "dropped.svs", data)

    assert (status, body) == (200, {"slide": f"{folder}/dropped.svs"})
    browse = client.get("/browse/", {"folder": folder})
    assert f"{folder}/dropped.svs" in browse.content.decode()
    assert (transfer_slides_dir / folder / "dropped.svs").read_bytes() == data


def test_a_file_that_is_not_a_slide_is_refused_and_gone(
    transfer_mode: str, transfer_slides_dir: Path
) -> None:
    client = uploader(f"up-bad-{transfer_mode}", allowed=True)
    folder = f"lab/junk-{transfer_mode}"

    status, body = upload(client, folder, "notes.svs", b"just some notes, not a slide")

    assert status == 422
    assert f"{folder}/notes.svs is not a slide the tile server can read" in body["error"]
    assert not (transfer_slides_dir / folder / "notes.svs").exists()
    assert not [p for p in (transfer_slides_dir / ".uploads").glob("*")]


def test_users_without_the_right_are_refused(transfer_mode: str, transfer_slides_dir: Path) -> None:
    client = uploader(f"up-no-{transfer_mode}", allowed=False)
    status, body = upload(client, "lab/nope", "a.svs", b"x")
    assert status == 403
    assert "may not upload slides" in body["error"]
    anonymous, _ = upload(Client(), "lab/nope", "a.svs", b"x")
    assert anonymous == 401
