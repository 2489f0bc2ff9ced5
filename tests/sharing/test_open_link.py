"""Opening a share link: the landing page, the password page, refusals and framing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sharing.models import Share, ShareAccess
from tests.base import frame_ancestors
from tests.sharing.factory import SLIDE, make_share, open_url, password_url


def status_url(share: Share) -> str:
    return reverse("sharing:status", args=[share.token])


pytestmark = pytest.mark.django_db
NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def assert_no_slide_data(body: str, share: Share) -> None:
    for secret in ("demo", "breast", "CASE", ".svs", share.label or "\x00", share.kind):
        assert secret not in body, secret


def test_it_opens_a_slide_link(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, label="for Dr. Who")
    response = client.get(open_url(share))
    assert response.status_code == 200
    assert response.templates[0].name == "sharing/viewer.html"
    assert b'data-kind="slide"' in response.content
    assert b'data-slide-count="1"' in response.content


def test_it_opens_a_grid_link(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, kind=Share.Kind.GRID)
    response = client.get(open_url(share))
    assert b'data-kind="grid"' in response.content
    assert b'data-slide-count="2"' in response.content


def test_the_owners_label_stays_private(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, label="<b>Mrs Smith</b>")
    response = client.get(open_url(share))
    assert b"Smith" not in response.content


def test_an_open_counts_one_visit(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    with time_machine.travel(NOW, tick=False):
        client.get(open_url(share), REMOTE_ADDR="198.51.100.4")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.get(open_url(share))
    share.refresh_from_db()
    assert share.visits == 2
    assert share.last_visit == NOW + timedelta(hours=1)
    outcomes = list(share.accesses.values_list("outcome", "ip"))
    assert outcomes.count(("opened", "198.51.100.4")) == 1
    assert len(outcomes) == 2


@pytest.mark.embedded_only
def test_a_folder_link_to_a_vanished_folder_is_404(
    owner: AbstractUser, client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.SLIDES_DIR = tmp_path
    share = make_share(owner, kind=Share.Kind.FOLDER, path="demo/breast")
    assert client.get(open_url(share)).status_code == 404


def test_an_unknown_link_is_404(client: Client) -> None:
    response = client.get("/s/" + "A" * 43 + "/")
    assert response.status_code == 404


def test_a_deleted_link_is_404(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    url = open_url(share)
    share.delete()
    assert client.get(url).status_code == 404


def test_an_expired_link_is_410(owner: AbstractUser, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, expires_at=NOW + timedelta(days=1), label="case 77")
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        response = client.get(open_url(share))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert_no_slide_data(response.content.decode(), share)
    assert share.accesses.get().outcome == ShareAccess.Outcome.EXPIRED
    share.refresh_from_db()
    assert share.visits == 0


def test_the_status_of_an_open_page_follows_the_link(owner: AbstractUser, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        share = make_share(owner, expires_at=NOW + timedelta(days=1))
        status = client.get(status_url(share))
        assert (status.status_code, status.json()["state"]) == (200, "active")
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        status = client.get(status_url(share))
    assert status.status_code == 410
    assert status.json() == {"state": "expired", "message": "This link has expired"}
    share.refresh_from_db()
    assert share.visits == 0, "asking the status is not a visit"


def test_the_status_of_a_locked_link_asks_for_the_password(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner, password="pw")
    assert client.get(status_url(share)).status_code == 403
    client.post(password_url(share), {"password": "pw"})
    assert client.get(status_url(share)).status_code == 200
    share.delete()
    assert client.get(status_url(share)).status_code == 404


def test_a_suspended_link_is_410(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, suspended=True, label="case 78")
    response = client.get(open_url(share))
    assert response.status_code == 410
    assert "This link is not available" in response.content.decode()
    assert_no_slide_data(response.content.decode(), share)
    assert share.accesses.get().outcome == ShareAccess.Outcome.SUSPENDED


def test_a_suspended_password_link_is_410_on_the_password_page(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner, password="pw", suspended=True)
    assert client.get(password_url(share)).status_code == 410
    response = client.post(password_url(share), {"password": "pw"})
    assert response.status_code == 410


def test_a_password_link_sends_to_the_password_page(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="open sesame")
    response = client.get(open_url(share))
    assert response.status_code == 302
    assert response["Location"] == password_url(share)
    page = client.get(password_url(share))
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()
    assert_no_slide_data(page.content.decode(), share)
    assert client.get(password_url(share) + "?embed=1").status_code == 200


def test_the_embed_flag_survives_the_password_page(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="pw")
    response = client.get(open_url(share) + "?embed=1")
    assert response["Location"] == password_url(share) + "?embed=1"
    response = client.post(password_url(share) + "?embed=1", {"password": "pw"})
    assert response["Location"] == open_url(share) + "?embed=1"
    page = client.get(response["Location"])
    assert b'class="share-page page-viewer embed"' in page.content


def test_a_wrong_password_is_refused_and_logged(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="open sesame")
    response = client.post(password_url(share), {"password": "open simsim"})
    assert response.status_code == 403
    assert "Wrong password. 4 tries left before a 15-minute wait." in response.content.decode()
    assert "open simsim" not in response.content.decode()
    assert share.accesses.get().outcome == ShareAccess.Outcome.WRONG_PASSWORD
    assert client.get(open_url(share)).status_code == 302


def test_an_empty_password_is_bad_input(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner, password="pw")
    assert client.post(password_url(share), {}).status_code == 400
    assert not share.accesses.exists()


def test_the_unlock_is_remembered_in_that_session_only(owner: AbstractUser) -> None:
    share = make_share(owner, password="open sesame")
    recipient, other = Client(), Client()
    response = recipient.post(password_url(share), {"password": "open sesame"})
    assert response.status_code == 302
    assert response["Location"] == open_url(share)
    assert recipient.get(open_url(share)).status_code == 200
    assert other.get(open_url(share)).status_code == 302
    # Once unlocked, the password page sends straight on.
    assert recipient.get(password_url(share))["Location"] == open_url(share)


def test_a_link_without_password_skips_the_password_page(
    owner: AbstractUser, client: Client
) -> None:
    share = make_share(owner)
    assert client.get(password_url(share))["Location"] == open_url(share)


def test_the_sixth_wrong_password_is_throttled(owner: AbstractUser) -> None:
    share = make_share(owner, password="right")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(NOW, tick=False):
        for left in (4, 3, 2, 1):
            response = attacker.post(password_url(share), {"password": "wrong"})
            assert response.status_code == 403
            unit = "try" if left == 1 else "tries"
            assert f"{left} {unit} left before a 15-minute wait." in response.content.decode()
        response = attacker.post(password_url(share), {"password": "wrong"})
        assert "No tries left: wait 15 minutes before trying again." in response.content.decode()
        response = attacker.post(password_url(share), {"password": "right"})
        assert response.status_code == 429
        assert "Too many attempts, try again in 15 minutes." in response.content.decode()
        # Another client on another address is not held up.
        neighbour = Client(REMOTE_ADDR="203.0.113.10")
        assert neighbour.post(password_url(share), {"password": "right"}).status_code == 302
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        response = attacker.post(password_url(share), {"password": "right"})
        assert "try again in 4 minutes" in response.content.decode()
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        assert attacker.post(password_url(share), {"password": "right"}).status_code == 302
    outcomes = list(share.accesses.values_list("outcome", flat=True))
    assert outcomes.count("wrong_password") == 5
    assert outcomes.count("throttled") == 2


def test_the_throttle_is_per_link(owner: AbstractUser) -> None:
    first = make_share(owner, password="right")
    second = make_share(owner, password="right")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post(password_url(first), {"password": "wrong"})
    assert attacker.post(password_url(first), {"password": "right"}).status_code == 429
    assert attacker.post(password_url(second), {"password": "right"}).status_code == 302


def test_the_right_password_resets_the_count(owner: AbstractUser) -> None:
    share = make_share(owner, password="right")
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        visitor.post(password_url(share), {"password": "wrong"})
    assert visitor.post(password_url(share), {"password": "right"}).status_code == 302
    share.set_password("newer")
    share.save()
    for _ in range(5):
        assert visitor.post(password_url(share), {"password": "wrong"}).status_code == 403


def test_share_pages_may_be_framed_by_allowed_origins(
    owner: AbstractUser, client: Client, settings: Settings
) -> None:
    settings.SHARE_FRAME_ANCESTORS = ["https://lims.example.org"]
    share = make_share(owner)
    locked = make_share(owner, password="pw")
    gone = make_share(owner, suspended=True)
    for url in (open_url(share), password_url(locked), open_url(gone)):
        response = client.get(url)
        assert "X-Frame-Options" not in response, url
        assert frame_ancestors(response) == "'self' https://lims.example.org"


def test_by_default_only_the_studio_may_frame_share_pages(
    owner: AbstractUser, client: Client
) -> None:
    response = client.get(open_url(make_share(owner)))
    assert frame_ancestors(response) == "'self'"


def test_other_pages_refuse_framing(client: Client) -> None:
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"


def test_share_urls_carry_only_the_token(owner: AbstractUser) -> None:
    share = make_share(owner, path=SLIDE)
    assert open_url(share) == f"/s/{share.token}/"


def test_a_bad_query_string_is_400(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.get(open_url(share) + "?embed=maybe").status_code == 400


def test_it_only_answers_get(owner: AbstractUser, client: Client) -> None:
    share = make_share(owner)
    assert client.post(open_url(share)).status_code == 405
    assert client.delete(password_url(share)).status_code == 405
