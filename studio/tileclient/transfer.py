"""What the tile-server client hands back for transfers: a file of a slide being read
(from disk, or from a remote server's `transfer/Download`), chunk by chunk, whole or one
byte range of it (`span`: first and last byte, inclusive).

The chunks are read blocking; async views pull them one at a time on a worker thread
(studio/lib/file_stream.py), never on the tile pool, which a long download would block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import urllib3

from studio.lib.file_stream import file_chunks

CHUNK_BYTES = 1024 * 1024
Span = tuple[int, int]


class FileDownload(Protocol):
    name: str  # the file's path relative to the slide's folder ("slide/Data0000.dat")
    size: int  # of the whole file
    span: Span | None  # the bytes `chunks` gives; None: all of them

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class LocalFileDownload:
    def __init__(self, name: str, path: Path, span: Span | None = None) -> None:
        self.name = name
        self.path = path
        self.size = path.stat().st_size
        self.span = span

    def chunks(self) -> Iterator[bytes]:
        if self.span is None:
            return file_chunks(self.path)
        first, last = self.span
        return file_chunks(self.path, first, last - first + 1)

    def close(self) -> None:
        pass


class RemoteFileDownload:
    """`skip` bytes of the answer are dropped first (a server that sent the whole file when
    asked for a range); then the span's bytes, or everything."""

    def __init__(
        self,
        name: str,
        response: urllib3.BaseHTTPResponse,
        size: int,
        span: Span | None = None,
        skip: int = 0,
    ) -> None:
        self.name = name
        self.response = response
        self.size = size
        self.span = span
        self.skip = skip

    def chunks(self) -> Iterator[bytes]:
        skip = self.skip
        left = self.span[1] - self.span[0] + 1 if self.span else None
        for chunk in self.response.stream(CHUNK_BYTES):
            if skip:
                chunk, skip = chunk[skip:], max(0, skip - len(chunk))
            if left is not None:
                chunk = chunk[:left]
                left -= len(chunk)
            if chunk:
                yield chunk
            if left == 0:
                break

    def close(self) -> None:
        self.response.release_conn()


def relative_to_slide(file_path: str, slide: str) -> str:
    """A file's path as `transfer/Download` takes it: relative to the slide's folder."""
    folder = slide.rpartition("/")[0]
    if folder and file_path.startswith(folder + "/"):
        return file_path[len(folder) + 1 :]
    return file_path
