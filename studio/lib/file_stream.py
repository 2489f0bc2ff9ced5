"""Files sent to a client as a stream: Content-Length always, byte ranges on request.

Django's FileResponse reads a plain file synchronously, and under ASGI it then collects the
whole file in memory before sending it (with a warning). These answers read in chunks on a
worker thread instead, so a slide of several gigabytes goes out at constant memory.
A `Range: bytes=a-b` header (suffix and open-ended forms too) gets 206 with Content-Range;
several ranges get 206 multipart/byteranges (studio/lib/byte_ranges.py); ranges all past
the end get 416. With `If-Range`, only while the file still has that Last-Modified date
(there is no ETag to compare): else the whole file, 200.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from studio.lib.byte_ranges import Multipart, Span, byte_ranges

CHUNK_BYTES = 1024 * 1024
# The bytes of one span of the file (None: all of it).
ReadSpan = Callable[[Span | None], AsyncIterator[bytes]]


def requested_ranges(request: HttpRequest, size: int, modified: float) -> list[Span] | None:
    """`byte_ranges` of the request's Range header, unless an If-Range header names another
    version of the file than the one last modified at `modified` (a Unix time)."""
    if_range = request.headers.get("If-Range", "").strip()
    if if_range and parse_http_date_safe(if_range) != int(modified):
        return None  # an entity tag (we give none) or another date: send everything
    return byte_ranges(request.headers.get("Range", ""), size)


def range_not_satisfiable(size: int) -> HttpResponse:
    refused = HttpResponse(status=416)
    refused["Content-Range"] = f"bytes */{size}"
    return refused


def ranged_response(
    spans: list[Span] | None, size: int, modified: float, content_type: str, read: ReadSpan
) -> StreamingHttpResponse:
    """200 with the whole file (`spans` None), 206 with one range, or 206 with several as
    multipart/byteranges; `read` gives each span's bytes."""
    headers = {"Accept-Ranges": "bytes", "Last-Modified": http_date(modified)}
    if spans is None:
        body, status, length = read(None), 200, size
    elif len(spans) == 1:
        ((first, last),) = spans
        body, status, length = read(spans[0]), 206, last - first + 1
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    else:
        framing = Multipart(spans, size, content_type)
        body, status, length = _parts(framing, spans, read), 206, framing.length
        content_type = framing.content_type
    response = StreamingHttpResponse(body, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    for name, value in headers.items():
        response[name] = value
    return response


async def _parts(framing: Multipart, spans: list[Span], read: ReadSpan) -> AsyncIterator[bytes]:
    for head, span in zip(framing.heads, spans, strict=True):
        yield head
        async for chunk in read(span):
            yield chunk
        yield b"\r\n"
    yield framing.tail


def file_chunks(path: Path, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The bytes of `path` from `start` (`length` of them, or to the end), read blocking."""
    with path.open("rb") as handle:
        handle.seek(start)
        left = length
        while left is None or left > 0:
            chunk = handle.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            yield chunk


def read_chunks(path: Path, start: int = 0, length: int | None = None) -> AsyncIterator[bytes]:
    """`file_chunks` read on a worker thread; the file is closed also when the client goes."""
    chunks = file_chunks(path, start, length)
    return in_thread(chunks, chunks.close)


async def in_thread(
    chunks: Iterator[bytes], close: Callable[[], None] | None = None
) -> AsyncIterator[bytes]:
    """A blocking iterator (a remote download, a zip being written) pulled one chunk at a
    time on a worker thread; `close` runs at the end, also when the client goes away."""
    try:
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            yield chunk
    finally:
        if close is not None:
            await asyncio.to_thread(close)


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an async generator that yields nothing


def file_response(
    request: HttpRequest, path: Path, *, filename: str, attachment: bool = True
) -> HttpResponse | StreamingHttpResponse:
    """The file (or the asked ranges of it) as a download named `filename`."""
    stat = path.stat()
    size = stat.st_size
    try:
        spans = requested_ranges(request, size, stat.st_mtime)
    except ValueError:
        return range_not_satisfiable(size)

    def read(span: Span | None) -> AsyncIterator[bytes]:
        if not size:
            return _nothing()
        first, last = span or (0, size - 1)
        return read_chunks(path, first, last - first + 1)

    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = ranged_response(spans, size, stat.st_mtime, content_type, read)
    if request.method == "HEAD":
        response.streaming_content = _nothing()
    disposition = content_disposition_header(attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
