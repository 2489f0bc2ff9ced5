"""Slides for the transfer tests: a demo SVS, the demo MIRAX slide (main file plus data
folder) and a DICOM series of two files (from the shared test data, when present), in a
writable folder served by a live tile server of their own."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pma_python import core
from pytest_django.fixtures import Settings

from tests.base import use_tile_server
from tests.live_server import LiveTileServer, live_tile_server_process
from tests.tileserver.test_pma_python_sdk import forget_session
from tileserver.lib.demo_mrxs import make_demo_mrxs

TESTDATA = Path(os.environ.get("STUDIO_TESTDATA", "/work/shared/testdata"))
DICOM_SERIES = TESTDATA / "slides" / "dicom" / "openslide-python_boxes"
SVS = "lab/svs/case.svs"
DICOM = "lab/dicom/boxes_0.dcm"
MRXS = "lab/mrxs/slide.mrxs"
MRXS_NAMES = ["slide.mrxs", "slide/Data0000.dat", "slide/Index.dat", "slide/Slidedat.ini"]
# The shape of an MRXS (main file and data folder) without being a slide.
FAKE_MRXS_FILES = {
    "slide.mrxs": b"mrxs main file\n",
    "slide/Slidedat.ini": b"[GENERAL]\nSLIDE_ID=demo\n",
    "slide/Index.dat": bytes(range(256)) * 3,
    "slide/Data0000.dat": os.urandom(300_000),
}


def first_demo_svs(demo_slides_dir: Path) -> Path:
    return min(demo_slides_dir.rglob("*.svs"))


def build_transfer_slides(root: Path, demo_slides_dir: Path) -> Path:
    (root / "lab" / "svs").mkdir(parents=True)
    shutil.copyfile(first_demo_svs(demo_slides_dir), root / SVS)
    make_demo_mrxs(root, target=MRXS, source=SVS, log=lambda line: None)
    if DICOM_SERIES.is_dir():
        shutil.copytree(DICOM_SERIES, root / "lab" / "dicom")
        for copied in (root / "lab" / "dicom").iterdir():
            copied.chmod(0o644)
    (root / "lab" / "incoming").mkdir()
    return root


# One folder and one server per test session (per xdist worker): starting a server costs
# seconds, and every test writes into a folder of its own.
@pytest.fixture(scope="session")
def transfer_slides_dir(tmp_path_factory: pytest.TempPathFactory, demo_slides_dir: Path) -> Path:
    return build_transfer_slides(tmp_path_factory.mktemp("transfer-slides"), demo_slides_dir)


@pytest.fixture(scope="session")
def transfer_server(
    transfer_slides_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveTileServer]:
    with live_tile_server_process(
        tmp_path_factory.mktemp("transfer-server"), transfer_slides_dir
    ) as server:
        yield server


@pytest.fixture
def transfer_session(transfer_server: LiveTileServer) -> Iterator[str]:
    session_id = core.connect(
        transfer_server.url, transfer_server.username, transfer_server.password
    )
    assert isinstance(session_id, str) and session_id
    yield session_id
    forget_session(session_id)


def needs_dicom() -> None:
    if not DICOM_SERIES.is_dir():
        pytest.skip(f"the shared test data is absent ({DICOM_SERIES})")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` by its relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture(params=["embedded", "remote"])
def transfer_mode(
    request: pytest.FixtureRequest,
    settings: Settings,
    transfer_slides_dir: Path,
    fast_hashers: None,
) -> str:
    """The studio over the transfer slides: embedded, then through a remote tile server of
    their own (tests using it are `own_tile_server`: they cover both transports in one run
    and leave the session's shared demo slides alone)."""
    settings.SLIDES_DIR = transfer_slides_dir
    settings.TILE_SERVER_URL = ""
    if request.param == "remote":
        use_tile_server(settings, request.getfixturevalue("transfer_server"))
    return str(request.param)
