"""A zip archive written as it is read: no temporary file, no seeking, constant memory.

Members are stored, not compressed (slide data is compressed already), with ZIP64 headers
so members of several gigabytes work; sizes and checksums follow each member (data
descriptors), as a stream that cannot seek back requires.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ZipMember:
    name: str  # path inside the archive, with "/"
    modified: datetime
    chunks: Callable[[], Iterator[bytes]]  # called when the member's turn comes


class _Sink(io.RawIOBase):
    """Collects what zipfile writes; tells the position, refuses to seek."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        yield from parts


def zip_chunks(members: Iterable[ZipMember]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=_zip_time(member.modified))
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as out:
                for chunk in member.chunks():
                    out.write(chunk)
                    yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    # Zip dates start in 1980 and have no time zone.
    local = moment.astimezone() if moment.tzinfo else moment
    if local.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)
