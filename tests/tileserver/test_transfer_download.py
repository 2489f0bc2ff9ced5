"""transfer/Download and getfilenames, driven by the real pma_python download()."""

from __future__ import annotations

from pathlib import Path

import requests
from pma_python import core

from tests.base import byterange_parts
from tests.live_server import LiveTileServer
from tests.tileserver.transfer_fixtures import (
    DICOM,
    MRXS,
    MRXS_NAMES,
    SVS,
    needs_dicom,
    transfer_server,
    transfer_session,
    transfer_slides_dir,
    tree_bytes,
)

__all__ = ["transfer_server", "transfer_session", "transfer_slides_dir"]


def download_url(server: LiveTileServer) -> str:
    return server.url + "transfer/Download/"


def test_download_single_file_slide_byte_for_byte(
    transfer_session: str, transfer_slides_dir: Path, tmp_path: Path
) -> None:
    files = core.get_files_for_slide(SVS, transfer_session)
    assert list(files) == [SVS]
    assert files[SVS]["Size"] == (transfer_slides_dir / SVS).stat().st_size
    core.download(SVS, str(tmp_path), transfer_session)
    assert tree_bytes(tmp_path) == {"case.svs": (transfer_slides_dir / SVS).read_bytes()}


def test_download_slide_with_data_folder(
    transfer_session: str, transfer_slides_dir: Path, tmp_path: Path
) -> None:
    files = core.get_files_for_slide("/" + MRXS, transfer_session)
    assert list(files) == [f"lab/mrxs/{name}" for name in MRXS_NAMES]  # the main file first
    core.download(MRXS, str(tmp_path), transfer_session)
    assert tree_bytes(tmp_path) == tree_bytes(transfer_slides_dir / "lab" / "mrxs")
    assert sorted(tree_bytes(tmp_path)) == sorted(MRXS_NAMES)


def test_download_dicom_series_brings_every_instance(
    transfer_session: str, transfer_slides_dir: Path, tmp_path: Path
) -> None:
    needs_dicom()
    files = core.get_files_for_slide(DICOM, transfer_session)
    assert sorted(files) == ["lab/dicom/boxes_0.dcm", "lab/dicom/boxes_1.dcm"]
    core.download(DICOM, str(tmp_path), transfer_session)
    assert tree_bytes(tmp_path) == tree_bytes(transfer_slides_dir / "lab" / "dicom")


def test_download_by_uid(transfer_session: str, transfer_slides_dir: Path, tmp_path: Path) -> None:
    uid = core.get_uid(SVS, transfer_session)
    core.download(uid, str(tmp_path), transfer_session)
    # With a UID the SDK asks for each file by its full path.
    assert (tmp_path / SVS).read_bytes() == (transfer_slides_dir / SVS).read_bytes()


def test_ranges(
    transfer_server: LiveTileServer, transfer_session: str, transfer_slides_dir: Path
) -> None:
    data = (transfer_slides_dir / "lab/mrxs/slide/Data0000.dat").read_bytes()
    params = {"sessionId": transfer_session, "image": MRXS, "path": "slide/Data0000.dat"}

    def get(range_header: str | None) -> requests.Response:
        headers = {"Range": range_header} if range_header else {}
        return requests.get(
            download_url(transfer_server), params=params, headers=headers, timeout=30
        )

    whole = get(None)
    assert whole.status_code == 200
    assert whole.headers["Content-Length"] == str(len(data))
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.content == data
    part = get("bytes=1000-1999")
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert part.headers["Content-Length"] == "1000"
    assert part.content == data[1000:2000]
    assert get("bytes=-10").content == data[-10:]
    assert get(f"bytes={len(data) - 5}-").content == data[-5:]
    refused = get(f"bytes={len(data)}-")
    assert refused.status_code == 416
    assert refused.headers["Content-Range"] == f"bytes */{len(data)}"


def test_several_ranges_come_as_multipart_byteranges(
    transfer_server: LiveTileServer, transfer_session: str, transfer_slides_dir: Path
) -> None:
    data = (transfer_slides_dir / "lab/mrxs/slide/Data0000.dat").read_bytes()
    params = {"sessionId": transfer_session, "image": MRXS, "path": "slide/Data0000.dat"}
    headers = {"Range": "bytes=-3,10-19"}
    answer = requests.get(download_url(transfer_server), params=params, headers=headers, timeout=30)
    assert answer.status_code == 206
    assert answer.headers["Content-Length"] == str(len(answer.content))
    size = len(data)
    assert byterange_parts(answer.headers["Content-Type"], answer.content) == [
        (f"bytes {size - 3}-{size - 1}/{size}", data[-3:]),
        (f"bytes 10-19/{size}", data[10:20]),
    ]


def test_if_range_sends_the_part_only_of_the_same_version(
    transfer_server: LiveTileServer, transfer_session: str, transfer_slides_dir: Path
) -> None:
    data = (transfer_slides_dir / "lab/mrxs/slide/Data0000.dat").read_bytes()
    params = {"sessionId": transfer_session, "image": MRXS, "path": "slide/Data0000.dat"}

    def get(**headers: str) -> requests.Response:
        url = download_url(transfer_server)
        return requests.get(url, params=params, headers=headers, timeout=30)

    modified = get().headers["Last-Modified"]
    same = get(Range="bytes=10-19", **{"If-Range": modified})
    assert same.status_code == 206 and same.content == data[10:20]
    for other in ("Mon, 01 Jan 2001 00:00:00 GMT", '"an-entity-tag"'):
        changed = get(Range="bytes=10-19", **{"If-Range": other})
        assert changed.status_code == 200 and changed.content == data


def test_only_the_slides_own_files_are_served(
    transfer_server: LiveTileServer, transfer_session: str
) -> None:
    def answer(image: str, path: str, session: str = transfer_session) -> requests.Response:
        params = {"sessionId": session, "image": image, "path": path}
        return requests.get(download_url(transfer_server), params=params, timeout=30)

    for image, path in [
        (SVS, "../mrxs/slide.mrxs"),  # a file beside the slide, but not of it
        (MRXS, "slide/../../svs/case.svs"),
        (SVS, "/etc/passwd"),
        ("lab/svs/../../../etc/passwd", "passwd"),
        ("lab/svs/missing.svs", "missing.svs"),
    ]:
        refused = answer(image, path)
        assert refused.status_code in (400, 404), (image, path)
        assert set(refused.json()) == {"Code", "Message"}
    anonymous = answer(SVS, "case.svs", session="not-a-session")
    assert anonymous.status_code == 401
    assert "session" in anonymous.json()["Message"].lower()
