"""A thread that writes small files handed to it, so that the threads (or the event loop)
that download do not wait for them: the mirror's sidecars, written while the next files
are on their way."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()


class BackgroundWriter:
    """``put(key, *arguments)`` hands ``write(*arguments)`` to a thread of its own;
    ``done`` is called there with the keys whose writes succeeded, a batch at a time, and
    once more by :meth:`close`, which waits for everything handed over. A write that
    fails is left out of ``done`` (its caller does it another way); the thread goes on."""

    def __init__(
        self, write: Callable[..., None], done: Callable[[list[str]], None], batch: int = 200
    ) -> None:
        self._write = write
        self._done = done
        self._batch = batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="immich-writer", daemon=True)
        self._thread.start()

    def put(self, key: str, *arguments: Any) -> None:
        self._queue.put((key, arguments))

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        written: list[str] = []
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            key, arguments = item
            try:
                self._write(*arguments)
            except OSError:
                continue
            written.append(key)
            if len(written) >= self._batch:
                self._done(written)
                written = []
        if written:
            self._done(written)
