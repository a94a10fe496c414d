"""``upload --watch``: notice new and changed files by polling, and hand over only those
that have stopped changing.

Polling (size and mtime) works the same on every OS and on network shares, where change
notifications are unreliable. A file still being copied in grows between polls; it is
uploaded once it looked the same on two polls in a row.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from immich._transfer.files import WalkOptions, walk

Signature = tuple[int, int]  # (size, mtime in ns)


def pause(seconds: float) -> None:
    """The wait between two polls (a seam for tests)."""
    time.sleep(seconds)


class Watcher:
    def __init__(self, paths: Iterable[str | os.PathLike[str]], options: WalkOptions) -> None:
        self._paths = list(paths)
        self._options = options
        #: Files already handed over, with the signature they had then.
        self._handled: dict[Path, Signature] = {}
        #: Files seen new or changed on the last poll, not yet stable.
        self._pending: dict[Path, Signature] = {}

    def _scan(self) -> dict[Path, Signature]:
        found: dict[Path, Signature] = {}
        for given in self._paths:
            try:
                for file in walk([given], self._options):
                    found[file.path] = (file.size, file.mtime_ns)
            except OSError:
                continue  # a watched folder that is gone (unmounted) may come back
        return found

    def mark_current(self) -> None:
        """Treat every file there now as handled (taken before the first upload, so
        that a file changed while it runs is seen as changed afterwards)."""
        self._handled = self._scan()
        self._pending.clear()

    def poll(self) -> list[Path]:
        """The files that are new or changed and have not changed since the last poll;
        they count as handled from now on."""
        current = self._scan()
        ready: list[Path] = []
        pending: dict[Path, Signature] = {}
        for path, signature in current.items():
            if self._handled.get(path) == signature:
                continue
            if self._pending.get(path) == signature:
                ready.append(path)
                self._handled[path] = signature
            else:
                pending[path] = signature
        self._pending = pending
        # Forget what vanished (deleted after upload, moved away): if it comes back, it
        # is new again.
        for path in [p for p in self._handled if p not in current]:
            del self._handled[path]
        return ready
