"""Fixtures for the whole suite: the demo slides, written once per test session, and the
tile server the studio talks to.

`--tile-server=embedded` (the default) runs the studio with its embedded tile server;
`--tile-server=remote` points it (TILE_SERVER_URL) at a real second process of this project
serving the same demo slides over HTTP, with its own port and database. Tests that look
inside the embedded server (its engine, its database, other slide folders) are marked
`embedded_only` and left out of a remote run; so are tests that start or name their own
remote tile server (`own_tile_server`): they mean the same in both runs. So are browser
journeys about the page alone (`page_only`: drawing tools, ribbon states, a live session in
the cockpit): what they ask of the tile server, the unit suites run in both modes, and the
journeys that show slides (cockpit, viewer, sharing, annotations, live session page) run
in both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from studio.lib import background
from tests.base import use_tile_server
from tests.live_server import LiveTileServer, live_tile_server_process
from tileserver.lib.demo_slides import make_demo_slides

MODES = ("embedded", "remote")
# Fixtures that reach into the embedded tile server: their tests are embedded_only.
EMBEDDED_FIXTURES = frozenset({"engine_calls", "broken_slides_dir", "session_id", "api_client"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tile-server",
        choices=MODES,
        default="embedded",
        help="run the studio against its embedded tile server or a remote one (a live process)",
    )
    parser.addoption(
        "--scale-out",
        action="store_true",
        help="DATABASE_URL and REDIS_URL point at PostgreSQL and Redis (tests/scale_out.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_only: looks inside the embedded tile server; not run remote"
    )
    config.addinivalue_line(
        "markers", "own_tile_server: brings its own remote tile server; run in one mode only"
    )
    config.addinivalue_line(
        "markers",
        "page_only: a browser journey about the page itself, whose server calls the unit "
        "suites run in both modes; not run remote",
    )
    config.addinivalue_line(
        "markers", "scale_out: needs PostgreSQL and Redis; run only by tests/scale_out.py"
    )
    config.addinivalue_line(
        "markers",
        "fake_clock: moves the clock past a cache expiry; not run on Redis, whose own clock "
        "expires keys",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--scale-out"):
        _leave_out(config, items, lambda item: bool(item.get_closest_marker("scale_out")))
    else:
        _leave_out(config, items, lambda item: bool(item.get_closest_marker("fake_clock")))
    if config.getoption("--tile-server") == "remote":
        _leave_out(config, items, _not_for_a_remote_run)


def _not_for_a_remote_run(item: pytest.Item) -> bool:
    marked = any(
        item.get_closest_marker(name) for name in ("embedded_only", "own_tile_server", "page_only")
    )
    return bool(marked or EMBEDDED_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def _leave_out(
    config: pytest.Config, items: list[pytest.Item], test: Callable[[pytest.Item], bool]
) -> None:
    left_out = [item for item in items if test(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not test(item)]


@pytest.fixture(autouse=True)
def _background_work_finishes() -> Iterator[None]:
    """A test is over when the background work it started is (studio/lib/background.py):
    those threads use the test database too."""
    yield
    for thread in background.running():
        thread.join(timeout=60)


@pytest.fixture(scope="session", autouse=True)
def _scale_out_engines(request: pytest.FixtureRequest) -> None:
    """A scale-out run must really be on PostgreSQL and Redis, or it proves nothing."""
    if not request.config.getoption("--scale-out"):
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    assert engine == "django.db.backends.postgresql", engine
    assert settings.REDIS_URL, "REDIS_URL is not set"
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker:  # workers share one redis-server, each in a database of its own
        assert settings.REDIS_URL.endswith("/" + worker.removeprefix("gw")), settings.REDIS_URL


@pytest.fixture(scope="session", autouse=True)
def _test_database_can_be_dropped(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL, end the run's other connections before its test database is dropped.

    Long-lived threads of the process (asgiref's sync thread, the tile and render pools)
    keep the connection they last used, as a studio process does between requests; on
    SQLite that is harmless, but PostgreSQL refuses to drop a database still in use.
    """
    if not request.config.getoption("--scale-out"):
        yield
        return
    request.getfixturevalue("django_db_setup")  # torn down after this fixture
    blocker = request.getfixturevalue("django_db_blocker")
    yield
    from django.db import connection

    with blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = cursor.fetchone()[0]
    if ended:
        print(f"\nended {ended} connection(s) of long-lived threads to drop the test database")


@pytest.fixture(scope="session")
def demo_slides_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo slide set (same folder tree as `make_demo_slides`), read-only."""
    directory = tmp_path_factory.mktemp("demo-slides")
    make_demo_slides(directory, small=True, log=lambda line: None)
    return directory


@pytest.fixture(scope="session")
def live_tile_server(
    demo_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveTileServer]:
    """This project in tile-server role, serving the demo slides, for the whole session."""
    with live_tile_server_process(
        tmp_path_factory.mktemp("live-tile-server"), demo_slides_dir
    ) as server:
        yield server


@pytest.fixture(scope="session")
def remote_tile_server(request: pytest.FixtureRequest) -> LiveTileServer | None:
    """The tile server of a remote run; None in an embedded run."""
    if request.config.getoption("--tile-server") != "remote":
        return None
    return request.getfixturevalue("live_tile_server")


@pytest.fixture(autouse=True)
def _tile_server_settings(
    settings: Settings, demo_slides_dir: Path, remote_tile_server: LiveTileServer | None
) -> None:
    settings.SLIDES_DIR = demo_slides_dir
    if remote_tile_server is not None:
        use_tile_server(settings, remote_tile_server)
