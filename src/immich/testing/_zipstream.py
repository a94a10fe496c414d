"""A zip archive produced while it is sent: stored (uncompressed) entries, written through
zipfile onto a sink that hands back each piece as soon as it exists."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ZipEntry:
    name: str
    size: int
    modified_at: datetime
    read_chunks: Callable[[], Iterator[bytes]]


class _Sink:
    """A write-only stream: zipfile sees it cannot seek and writes data descriptors instead."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._pending)
        self._pending.clear()
        return data


def iter_zip(entries: Iterable[ZipEntry]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            # Zip timestamps cannot predate 1980.
            stamp = max(entry.modified_at.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.file_size = entry.size
            with archive.open(info, mode="w") as member:
                for chunk in entry.read_chunks():
                    member.write(chunk)
                    yield sink.drain()
            yield sink.drain()
    yield sink.drain()
