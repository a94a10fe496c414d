"""Where asset bytes live: in memory, or as files under ``storage_dir`` (or, for external
libraries, the user's own files, which the fake never deletes)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ._http import CHUNK_SIZE


@dataclass(frozen=True)
class MemoryBlob:
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def path(self) -> Path | None:
        return None

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)

    def discard(self) -> None:
        pass


@dataclass(frozen=True)
class FileBlob:
    file: Path
    size: int
    # False for external-library files: they belong to the user, not to the fake.
    owned: bool

    @property
    def path(self) -> Path | None:
        return self.file

    def open(self) -> BinaryIO:
        return self.file.open("rb")

    def discard(self) -> None:
        if self.owned:
            with contextlib.suppress(FileNotFoundError):
                self.file.unlink()


Blob = MemoryBlob | FileBlob


def iter_blob(blob: Blob, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """Yields ``blob[start:stop]`` in chunks, opening the file lazily and closing it when done."""
    stop = blob.size if stop is None else stop
    if isinstance(blob, MemoryBlob):
        view = memoryview(blob.data)
        for offset in range(start, stop, CHUNK_SIZE):
            yield bytes(view[offset : min(offset + CHUNK_SIZE, stop)])
        return
    with blob.open() as handle:
        handle.seek(start)
        remaining = stop - start
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def hash_file(path: Path) -> bytes:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.digest()


class BlobWriter:
    """Receives an upload chunk by chunk, hashing as it goes, and becomes a Blob when finished."""

    def __init__(self, final_path: Path | None) -> None:
        self._digest = hashlib.sha1()
        self._size = 0
        self._final_path = final_path
        self._chunks: list[bytes] = []
        self._handle: BinaryIO | None = None
        self._partial_path: Path | None = None
        if final_path is not None:
            final_path.parent.mkdir(parents=True, exist_ok=True)
            self._partial_path = final_path.with_name(final_path.name + ".part")
            self._handle = self._partial_path.open("wb")

    def write(self, data: bytes) -> None:
        self._digest.update(data)
        self._size += len(data)
        if self._handle is not None:
            self._handle.write(data)
        else:
            self._chunks.append(bytes(data))

    def finish(self) -> tuple[Blob, bytes]:
        """The stored blob and its SHA-1 digest."""
        if self._handle is None or self._final_path is None or self._partial_path is None:
            return MemoryBlob(b"".join(self._chunks)), self._digest.digest()
        self._handle.close()
        os.replace(self._partial_path, self._final_path)
        return FileBlob(self._final_path, self._size, owned=True), self._digest.digest()

    def abort(self) -> None:
        self._chunks.clear()
        if self._handle is not None and self._partial_path is not None:
            self._handle.close()
            with contextlib.suppress(FileNotFoundError):
                self._partial_path.unlink()


class BlobStore:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def writer(self, extension: str) -> BlobWriter:
        if self.directory is None:
            return BlobWriter(None)
        name = f"{uuid.uuid4()}{extension.lower()}"
        return BlobWriter(self.directory / "originals" / name[:2] / name)

    def store(self, data: bytes, extension: str) -> tuple[Blob, bytes]:
        writer = self.writer(extension)
        writer.write(data)
        return writer.finish()
