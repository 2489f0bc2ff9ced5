"""HTTP byte ranges (RFC 9110, section 14): which parts of a file a `Range` header asks
for, and the multipart/byteranges framing of an answer that sends several.

    spans = byte_ranges("bytes=0-99,-100", size)   # [(0, 99), (size - 100, size - 1)]
    framing = Multipart(spans, size, "image/tiff")  # .heads[i], .tail, .length, .content_type

Spans are (first, last) byte, inclusive, in the order asked. A header that is not a byte
range, malformed, or asks for more than MAX_RANGES parts gets the whole file (a server may
always ignore Range); ranges outside the file are dropped, and when none is left the answer
is 416 (ValueError here). Ranges that add up to more than the file (`bytes=0-,0-,0-`, the
same bytes asked again and again) also get the whole file, once: each range of a slide on a
remote tile server is a transfer of its own (RFC 9110, 14.2, lets a server ignore them).
"""

from __future__ import annotations

import re
import secrets

Span = tuple[int, int]
MAX_RANGES = 16
_SPEC = re.compile(r"(\d*)-(\d*)")


def byte_ranges(header: str, size: int) -> list[Span] | None:
    """The ranges inside the file that `header` asks for; None to send everything."""
    text = header.replace(" ", "")
    if not text.startswith("bytes="):
        return None
    specs = text.removeprefix("bytes=").split(",")
    if len(specs) > MAX_RANGES:
        return None
    spans = []
    for spec in specs:
        match = _SPEC.fullmatch(spec)
        if match is None or match.groups() == ("", ""):
            return None
        span = _span(*match.groups(), size)
        if span is not None:
            spans.append(span)
    if not spans:
        raise ValueError("no range inside the file")
    if sum(last - first + 1 for first, last in spans) > size:
        return None
    return spans


def _span(first: str, last: str, size: int) -> Span | None:
    if not first:  # the last N bytes
        count = int(last)
        return (max(0, size - count), size - 1) if count and size else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start < size and start <= end else None


class Multipart:
    """The framing of a multipart/byteranges body: part i is `heads[i]`, the span's bytes
    and CRLF; `tail` ends it. `length` is the whole body's (for Content-Length)."""

    def __init__(self, spans: list[Span], size: int, content_type: str) -> None:
        boundary = secrets.token_hex(16)
        self.content_type = f"multipart/byteranges; boundary={boundary}"
        self.heads = [
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {first}-{last}/{size}\r\n\r\n"
            ).encode()
            for first, last in spans
        ]
        self.tail = f"--{boundary}--\r\n".encode()
        data = sum(last - first + 1 + 2 for first, last in spans)
        self.length = sum(map(len, self.heads)) + data + len(self.tail)
