"""transfer/Upload driven by the real pma_python upload(), then download() back."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import requests
from pma_python import core

from tests.live_server import LiveTileServer
from tests.tileserver.transfer_fixtures import (
    DICOM_SERIES,
    FAKE_MRXS_FILES,
    MRXS,
    SVS,
    needs_dicom,
    transfer_server,
    transfer_session,
    transfer_slides_dir,
    tree_bytes,
)

__all__ = ["transfer_server", "transfer_session", "transfer_slides_dir"]


def sdk_upload(server: LiveTileServer, session_id: str, slide: Path, folder: str) -> tuple:
    return asyncio.run(
        core.upload(
            pma_core_url=server.url,
            session_id=session_id,
            slide_path=str(slide),
            upload_directory=folder,
        )
    )


def staged(slides_dir: Path) -> list[Path]:
    staging = slides_dir / ".uploads"
    return list(staging.iterdir()) if staging.is_dir() else []


def test_upload_then_download_single_file_slide(
    transfer_server: LiveTileServer,
    transfer_session: str,
    transfer_slides_dir: Path,
    tmp_path: Path,
) -> None:
    source = tmp_path / "local" / "biopsy.svs"
    source.parent.mkdir()
    shutil.copyfile(transfer_slides_dir / SVS, source)

    assert sdk_upload(transfer_server, transfer_session, source, "/lab/incoming/run-1/") == (
        True,
        None,
    )

    uploaded = "lab/incoming/run-1/biopsy.svs"
    assert core.get_slides("lab/incoming/run-1", transfer_session) == [uploaded]
    # The same bytes as the slide it was copied from: the same fingerprint.
    assert core.get_fingerprint(uploaded, transfer_session) == core.get_fingerprint(
        SVS, transfer_session
    )
    back = tmp_path / "back"
    back.mkdir()
    core.download(uploaded, str(back), transfer_session)
    assert tree_bytes(back) == {"biopsy.svs": source.read_bytes()}
    assert staged(transfer_slides_dir) == []


def test_upload_then_download_slide_with_data_folder(
    transfer_server: LiveTileServer,
    transfer_session: str,
    transfer_slides_dir: Path,
    tmp_path: Path,
) -> None:
    local = tmp_path / "local"
    shutil.copytree(transfer_slides_dir / "lab" / "mrxs", local)

    ok = sdk_upload(transfer_server, transfer_session, local / "slide.mrxs", "lab/incoming/mrxs")

    assert ok == (True, None)
    uploaded = "lab/incoming/mrxs/slide.mrxs"
    assert core.get_slides("lab/incoming/mrxs", transfer_session) == [uploaded]
    assert core.get_fingerprint(uploaded, transfer_session) == core.get_fingerprint(
        MRXS, transfer_session
    )
    back = tmp_path / "back"
    back.mkdir()
    core.download(uploaded, str(back), transfer_session)
    assert tree_bytes(back) == tree_bytes(local)
    assert len(tree_bytes(back)) == 4  # slide.mrxs and the three files of slide/
    assert staged(transfer_slides_dir) == []


def test_upload_refuses_a_file_that_is_not_a_slide_and_keeps_nothing(
    transfer_server: LiveTileServer,
    transfer_session: str,
    transfer_slides_dir: Path,
    tmp_path: Path,
) -> None:
    # An MRXS-shaped package (main file and data folder) whose bytes are no slide at all.
    for relative, data in FAKE_MRXS_FILES.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)

    ok, error = sdk_upload(transfer_server, transfer_session, tmp_path / "slide.mrxs", "lab/bad")

    assert ok is False
    assert "lab/bad/slide.mrxs is not a slide the tile server can read" in error
    assert "the upload was removed" in error
    assert not (transfer_slides_dir / "lab" / "bad").exists()
    assert staged(transfer_slides_dir) == []


def test_multi_file_dicom_series_with_the_sdks_requests(
    transfer_server: LiveTileServer,
    transfer_session: str,
    transfer_slides_dir: Path,
    tmp_path: Path,
) -> None:
    """The requests pma_python sends, for a slide of two files (its own upload() only
    gathers companion folders, which a DICOM series has none of)."""
    needs_dicom()
    names = ["boxes_0.dcm", "boxes_1.dcm"]
    url = transfer_server.url + "transfer/Upload"
    session = {"sessionId": transfer_session}
    header = {
        "path": "lab/series",
        "files": [
            {"path": name, "length": (DICOM_SERIES / name).stat().st_size, "isMain": i == 0}
            for i, name in enumerate(names)
        ],
    }
    reply = requests.post(url, params=session, json=header, timeout=30)
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) <= {"Id", "UploadType", "Urls", "MultipartFiles"}
    upload_id = body["Id"]
    for name in names:
        with (DICOM_SERIES / name).open("rb") as data:
            sent = requests.post(
                f"{url}/{upload_id}",
                params={**session, "path": name},
                files={"file": (name, data, "application/octet-stream")},
                timeout=30,
            )
        assert sent.status_code == 200, sent.text
        if name == names[0]:
            # Half a slide is nowhere to be seen, and cannot be finished.
            assert core.get_slides("lab/series", transfer_session) == []
            early = requests.get(f"{url}/{upload_id}", params=session, timeout=30)
            assert early.status_code == 400
            assert "missing boxes_1.dcm" in early.json()["Message"]
    done = requests.get(f"{url}/{upload_id}", params=session, timeout=30)
    assert done.status_code == 200, done.text
    assert done.json()["Path"] == "lab/series/boxes_0.dcm"

    back = tmp_path / "back"
    back.mkdir()
    core.download("lab/series/boxes_0.dcm", str(back), transfer_session)
    assert tree_bytes(back) == tree_bytes(DICOM_SERIES)
    assert staged(transfer_slides_dir) == []
