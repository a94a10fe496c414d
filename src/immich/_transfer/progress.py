"""Progress of a bulk upload or download, reported to an optional callback.

The blocking client works on several threads at once, so every update goes through one
lock and the callback is never called concurrently.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import attrs

from immich._transfer.concurrency import StopFlag

Phase = Literal["hash", "check", "upload", "album", "stack", "process", "tag", "download", "sync"]


@attrs.frozen
class Progress:
    """A snapshot handed to the ``progress`` callback.

    ``phase`` is ``"hash"`` (reading local files), ``"check"`` (asking the server which
    it has), ``"upload"``, ``"album"``, ``"stack"``, ``"process"`` (waiting for the
    server to process the assets: counts are assets), ``"tag"``, ``"download"`` or
    ``"sync"`` (a mirror reading the server's changes: ``files_done`` counts them,
    ``files_total`` is 0 until the end).
    Counts are for the current phase; ``path`` is the file that just finished, when one
    did. In ``"album"``, ``files_*`` count albums and ``bytes_*`` the assets added to
    them; in ``"stack"`` and ``"tag"``, ``files_*`` count stacks and files tagged.
    """

    phase: Phase
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    path: Path | None = None


ProgressCallback = Callable[[Progress], None]


class ProgressTracker:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._phase: Phase = "hash"
        self._files_done = self._files_total = self._bytes_done = self._bytes_total = 0

    def start(self, phase: Phase, files_total: int, bytes_total: int = 0) -> None:
        with self._lock:
            self._phase = phase
            self._files_total, self._bytes_total = files_total, bytes_total
            self._files_done = self._bytes_done = 0
            self._emit(None)

    def advance(self, *, files: int = 0, nbytes: int = 0, path: Path | None = None) -> None:
        if not self._callback:
            return
        with self._lock:
            self._files_done += files
            self._bytes_done += nbytes
            self._emit(path)

    def _emit(self, path: Path | None) -> None:
        if self._callback is not None:
            self._callback(
                Progress(
                    self._phase,
                    self._files_done,
                    self._files_total,
                    self._bytes_done,
                    self._bytes_total,
                    path,
                )
            )


class ProgressFile(io.BufferedReader):
    """A file opened for upload that reports how far it has been read, and stops the
    upload (raising from ``read``) once ``stop`` is set.

    The HTTP client rewinds it to send it again on a retry; only bytes beyond the
    furthest point read so far count as progress.
    """

    def __init__(
        self, path: str | os.PathLike[str], on_read: Callable[[int], None], stop: StopFlag
    ) -> None:
        super().__init__(io.FileIO(path, "rb"))
        self._on_read = on_read
        self._stop = stop
        self.furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        self._stop.check()
        data = super().read(size)
        position = self.tell()
        if position > self.furthest:
            self._on_read(position - self.furthest)
            self.furthest = position
        return data
