"""studio/lib/byte_ranges.py: what a Range header asks for, and multipart/byteranges."""

from __future__ import annotations

import pytest

from studio.lib.byte_ranges import MAX_RANGES, Multipart, byte_ranges


@pytest.mark.parametrize(
    ("header", "spans"),
    [
        ("bytes=0-99", [(0, 99)]),
        ("bytes=900-", [(900, 999)]),
        ("bytes=-100", [(900, 999)]),
        ("bytes=-5000", [(0, 999)]),
        ("bytes=990-5000", [(990, 999)]),
        ("bytes=0-9, 20-29,-5", [(0, 9), (20, 29), (995, 999)]),
        ("bytes=0-9,2000-3000", [(0, 9)]),  # the one outside is dropped
    ],
)
def test_ranges_inside_the_file(header: str, spans: list[tuple[int, int]]) -> None:
    assert byte_ranges(header, 1000) == spans


@pytest.mark.parametrize(
    "header",
    ["", "lines=0-9", "bytes=", "bytes=-", "bytes=a-b", "bytes=0-9;x", "bytes=0-9,,20-29"],
)
def test_anything_else_means_the_whole_file(header: str) -> None:
    assert byte_ranges(header, 1000) is None


def test_too_many_ranges_mean_the_whole_file() -> None:
    header = "bytes=" + ",".join(f"{i}-{i}" for i in range(MAX_RANGES + 1))
    assert byte_ranges(header, 1000) is None
    assert len(byte_ranges(header.rpartition(",")[0], 1000) or []) == MAX_RANGES


@pytest.mark.parametrize("header", ["bytes=0-,0-,0-", "bytes=0-599,400-999", "bytes=-600,0-599"])
def test_ranges_asking_more_than_the_file_mean_the_whole_file(header: str) -> None:
    assert byte_ranges(header, 1000) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-3", "bytes=-0", "bytes=1000-1,2000-"])
def test_nothing_inside_the_file_cannot_be_satisfied(header: str) -> None:
    with pytest.raises(ValueError):
        byte_ranges(header, 1000)


def test_an_empty_file_has_no_range() -> None:
    with pytest.raises(ValueError):
        byte_ranges("bytes=-10", 0)


def test_multipart_framing_and_its_length() -> None:
    data = bytes(range(256)) * 4
    spans = [(0, 9), (100, 199)]
    framing = Multipart(spans, len(data), "image/tiff")
    body = b"".join(
        head + data[first : last + 1] + b"\r\n"
        for head, (first, last) in zip(framing.heads, spans, strict=True)
    )
    body += framing.tail
    assert framing.length == len(body)
    boundary = framing.content_type.removeprefix("multipart/byteranges; boundary=")
    assert body.startswith(f"--{boundary}\r\nContent-Type: image/tiff\r\n".encode())
    assert b"Content-Range: bytes 100-199/1024\r\n\r\n" + data[100:200] + b"\r\n" in body
    assert body.endswith(f"--{boundary}--\r\n".encode())
