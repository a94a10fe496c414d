"""The temporary file an asset is downloaded into, next to where it will end up.

It is named after the asset (``.immich-<id>.part``), so that the next run finds an
interrupted download and resumes it (with an HTTP ``Range`` request) whatever final name
the asset gets. The file only takes its real name, by an atomic rename, once its SHA-1
is the server's: a download that does not check out never looks complete.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from immich._paths import safe_filename

_READ_SIZE = 1 << 20


class ChecksumMismatch(Exception):
    """The downloaded bytes are not the file the server described."""


class PartialDownload:
    def __init__(self, folder: Path, asset_id: str) -> None:
        self.path = folder / safe_filename(f".immich-{asset_id}.part")
        self.written = 0
        self._file: BinaryIO | None = None
        self._digest = hashlib.sha1()

    def resumable_size(self, expected_size: int | None) -> int:
        """The bytes an earlier attempt left worth keeping: 0 when there are none, or more
        than the asset has (then the leftover is removed)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return 0
        if expected_size is not None and size > expected_size:
            self.discard()
            return 0
        return size

    def open(self, offset: int) -> None:
        """Write from ``offset`` on: the bytes before it are kept (and hashed, which reads
        them: run it off the event loop), anything after it dropped."""
        self.close()
        self._digest = hashlib.sha1()
        if offset == 0:
            self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
            self.written = 0
            return
        file = open(self.path, "r+b")  # noqa: SIM115
        remaining = offset
        while remaining > 0:
            chunk = file.read(min(_READ_SIZE, remaining))
            if not chunk:
                file.close()
                raise OSError(f"{self.path} is shorter than {offset} bytes")
            self._digest.update(chunk)
            remaining -= len(chunk)
        file.truncate(offset)
        file.seek(offset)
        self._file = file
        self.written = offset

    def write(self, chunk: bytes) -> None:
        assert self._file is not None, "open() first"
        self._file.write(chunk)
        self._digest.update(chunk)
        self.written += len(chunk)

    def digest(self) -> bytes:
        return self._digest.digest()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def finish(self, target: Path, expected_digest: bytes | None) -> bytes:
        """Give the file its real name if its SHA-1 is ``expected_digest`` (when known);
        otherwise remove it and raise :class:`ChecksumMismatch`. Returns the SHA-1."""
        self.close()
        digest = self.digest()
        if expected_digest is not None and digest != expected_digest:
            self.discard()
            raise ChecksumMismatch(
                f"SHA-1 {digest.hex()} of the download is not the server's {expected_digest.hex()}"
            )
        os.replace(self.path, target)
        return digest

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
