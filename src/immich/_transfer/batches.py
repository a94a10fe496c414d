"""Small files fetched many at a time: in one zip archive (``POST /download/archive``).

A request per photo costs the server and the client more than the photo itself when the
photo is small: 1,000 photos of 10 KB came down in a third less time in archives of 100
(measured on loopback; the saving grows with the latency to the server). The server
sends the originals uncompressed (``store``), so unpacking is a copy.

Entries are matched to assets by their SHA-1, not by name (Immich renames repeated names
``name+1.ext``) nor by order: an entry is kept only if it is, byte for byte, a file an
asset of the batch expects. Whatever the archive lacks or gets wrong is left for the
caller to fetch on its own.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

#: At most this many files, and this many bytes, in one archive: a batch is read whole,
#: once per worker at a time, and a batch that fails is fetched again file by file.
BATCH_FILES = 100
BATCH_BYTES = 4 << 20
#: Below this many small files, a request each costs about the same.
MIN_BATCHED = 8


def batches(items: Sequence[T], size: Callable[[T], int]) -> list[list[T]]:
    """``items`` in order, cut into runs of at most BATCH_FILES items and BATCH_BYTES."""
    result: list[list[T]] = []
    current: list[T] = []
    current_bytes = 0
    for item in items:
        item_bytes = size(item)
        if current and (len(current) >= BATCH_FILES or current_bytes + item_bytes > BATCH_BYTES):
            result.append(current)
            current, current_bytes = [], 0
        current.append(item)
        current_bytes += item_bytes
    if current:
        result.append(current)
    return result


def unpack(archive: bytes, wanted: dict[bytes, list[T]], largest: int) -> Iterator[tuple[T, bytes]]:
    """``(item, content)`` for each entry of the zip ``archive`` whose SHA-1 a waiting item
    of ``wanted`` (SHA-1 -> items) expects; each item is handed at most one entry.
    Entries over ``largest`` bytes are skipped unread. Raises ``zipfile.BadZipFile`` for
    what is not a zip archive (an entry whose CRC fails is skipped)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for info in opened.infolist():
            if info.is_dir() or info.file_size > largest:
                continue
            try:
                content = opened.read(info)
            except (zipfile.BadZipFile, NotImplementedError, ValueError):
                continue  # a damaged entry, or a compression this Python cannot read
            waiting = wanted.get(hashlib.sha1(content).digest())
            if waiting:
                yield waiting.pop(), content
