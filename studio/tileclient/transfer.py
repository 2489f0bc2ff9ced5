"""What the tile-server client hands back for transfers: a file of a slide being read
(from disk, or from a remote server's `transfer/Download`), chunk by chunk.

The chunks are read blocking; async views pull them one at a time on a worker thread
(studio/lib/file_stream.py), never on the tile pool, which a long download would block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import urllib3

CHUNK_BYTES = 1024 * 1024


class FileDownload(Protocol):
    name: str  # the file's path relative to the slide's folder ("slide/Data0000.dat")
    size: int

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class LocalFileDownload:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.size = path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk

    def close(self) -> None:
        pass


class RemoteFileDownload:
    def __init__(self, name: str, response: urllib3.BaseHTTPResponse, size: int) -> None:
        self.name = name
        self.response = response
        self.size = size

    def chunks(self) -> Iterator[bytes]:
        yield from self.response.stream(CHUNK_BYTES)

    def close(self) -> None:
        self.response.release_conn()


def relative_to_slide(file_path: str, slide: str) -> str:
    """A file's path as `transfer/Download` takes it: relative to the slide's folder."""
    folder = slide.rpartition("/")[0]
    if folder and file_path.startswith(folder + "/"):
        return file_path[len(folder) + 1 :]
    return file_path
