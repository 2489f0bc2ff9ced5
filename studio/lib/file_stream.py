"""Files sent to a client as a stream: Content-Length always, one byte range on request.

Django's FileResponse reads a plain file synchronously, and under ASGI it then collects the
whole file in memory before sending it (with a warning). These answers read in chunks on a
worker thread instead, so a slide of several gigabytes goes out at constant memory.
A `Range: bytes=a-b` header (one range; suffix and open-ended forms too) gets 206 with
Content-Range; a range past the end gets 416. With `If-Range`, only while the file still
has that Last-Modified date (there is no ETag to compare): else the whole file, 200.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK_BYTES = 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `Range` header, None to send everything; ValueError
    when the range cannot be satisfied."""
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: answer with the whole file (allowed)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise ValueError("empty suffix range")
        return max(0, size - count), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError("range outside the file")
    return start, end


def requested_range(request: HttpRequest, size: int, modified: float) -> tuple[int, int] | None:
    """`byte_range` of the request's Range header, unless an If-Range header names another
    version of the file than the one last modified at `modified` (a Unix time)."""
    if_range = request.headers.get("If-Range", "").strip()
    if if_range and parse_http_date_safe(if_range) != int(modified):
        return None  # an entity tag (we give none) or another date: send everything
    return byte_range(request.headers.get("Range", ""), size)


def range_not_satisfiable(size: int) -> HttpResponse:
    refused = HttpResponse(status=416)
    refused["Content-Range"] = f"bytes */{size}"
    return refused


async def read_chunks(
    path: Path, start: int = 0, length: int | None = None
) -> AsyncIterator[bytes]:
    """The bytes of `path` from `start` (`length` of them, or to the end), read on a thread."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, start)
        left = length
        while left is None or left > 0:
            size = CHUNK_BYTES if left is None else min(CHUNK_BYTES, left)
            chunk = await asyncio.to_thread(handle.read, size)
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


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
    """The file (or the asked range of it) as a download named `filename`."""
    stat = path.stat()
    size = stat.st_size
    try:
        span = requested_range(request, size, stat.st_mtime)
    except ValueError:
        return range_not_satisfiable(size)
    start, end = span if span is not None else (0, size - 1)
    length = end - start + 1 if size else 0
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    body = _nothing() if request.method == "HEAD" else read_chunks(path, start, length)
    response = StreamingHttpResponse(
        body, status=206 if span is not None else 200, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = http_date(stat.st_mtime)
    if span is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = content_disposition_header(attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
