"""One slide from one tile server to another: every file of it is downloaded and uploaded
as it streams (nothing is kept here), the target places it only once all files are there,
and the copy counts only when both servers give the slide the same fingerprint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pmacore.errors import TileServerError
from studio.copying.servers import Endpoint
from studio.tileclient.transfer import FileDownload, relative_to_slide


class CopyFailed(Exception):
    """This slide could not be copied (the message says why); the job goes on."""


@dataclass(frozen=True)
class Copied:
    path: str  # where the slide is on the target server
    fingerprint: str
    size: int


class _Reader:
    """A download as a file to read from, for the upload's side."""

    def __init__(self, download: FileDownload) -> None:
        self._chunks: Iterator[bytes] = download.chunks()
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def target_folder_for(slide: str, source_folder: str, target_folder: str) -> str:
    """The slide's folder below `source_folder`, repeated below `target_folder`."""
    folder = slide.rpartition("/")[0]
    below = folder[len(source_folder) :].strip("/") if source_folder else folder
    return f"{target_folder}/{below}" if below else target_folder


def copy_slide(source: Endpoint, target: Endpoint, slide: str, target_folder: str) -> Copied:
    try:
        files = source.client.slide_files(source.session_id, slide)
        if not files:
            raise CopyFailed(f"{source.name} lists no files for {slide}.")
        names = [relative_to_slide(file.path, slide) for file in files]
        announced = [(name, file.size) for name, file in zip(names, files, strict=True)]
        upload_id = target.client.upload_start(target.session_id, target_folder, announced)
        for name, file in zip(names, files, strict=True):
            download = source.client.download_file(source.session_id, slide, name)
            try:
                if download.size != file.size:
                    raise CopyFailed(f"{name} changed on {source.name} while it was copied.")
                target.client.upload_file(
                    target.session_id, upload_id, name, _Reader(download), download.size
                )
            finally:
                download.close()
        path = target.client.upload_finish(target.session_id, upload_id)
        path = path or f"{target_folder}/{names[0]}"
        expected = source.client.slide_info(source.session_id, slide).fingerprint
        found = target.client.slide_info(target.session_id, path).fingerprint
    except TileServerError as e:
        raise CopyFailed(e.message) from None
    if found != expected:
        raise CopyFailed(
            f"The copy on {target.name} has fingerprint {found}, the original {expected}."
        )
    return Copied(path, expected, sum(file.size for file in files))
