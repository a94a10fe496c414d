"""SHA-1 of local files, as Immich identifies assets, and a cache so unchanged files are
not read again.

The cache is a small SQLite database in WAL mode, keyed by absolute path and valid while
the file's size and modification time (ns) are unchanged. Several processes may use it
at once: SQLite serialises the writers, and a run that is interrupted loses at most the
rows it had not committed yet. Any trouble with the cache file (read-only disk, a
corrupt database) turns it off for the run with a warning: it only saves time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from immich._transfer.files import LocalFile

_READ_SIZE = 1 << 20
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sha1 (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest BLOB NOT NULL
)
"""
# Files looked up per query: under SQLite's oldest limit of 999 variables.
_QUERY_BATCH = 500
# Rows are written in batches: a commit per file would make hashing disk-bound.
_FLUSH_ROWS = 200
_FLUSH_SECONDS = 2.0


def sha1_file(path: str | os.PathLike[str]) -> bytes:
    digest = hashlib.sha1()
    with open(path, "rb") as file:
        while chunk := file.read(_READ_SIZE):
            digest.update(chunk)
    return digest.digest()


def to_base64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def from_server(checksum: str) -> bytes | None:
    """A checksum as the server writes it (base64, sometimes hex) as raw bytes, or None."""
    try:
        if len(checksum) == 40:
            return bytes.fromhex(checksum)
        raw = base64.b64decode(checksum, validate=True)
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == 20 else None


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/immich``, else the platform's user cache folder (with the optional
    ``platformdirs``), else ``~/.cache/immich``."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "immich"
    try:
        import platformdirs
    except ImportError:
        return Path.home() / ".cache" / "immich"
    return Path(platformdirs.user_cache_dir("immich", appauthor=False))


class HashCache(Protocol):
    #: False when put() keeps nothing: the caller may spare itself the file's status.
    enabled: bool

    def get(self, file: LocalFile) -> bytes | None: ...

    def known(self, files: Sequence[LocalFile]) -> dict[Path, bytes]:
        """The digests still valid for ``files``: ``get`` of each, in fewer steps."""
        ...

    def put(self, file: LocalFile, digest: bytes) -> None: ...

    def close(self) -> None: ...


class NoHashCache:
    """Remembers nothing: every file is read."""

    enabled = False

    def get(self, file: LocalFile) -> bytes | None:
        return None

    def known(self, files: Sequence[LocalFile]) -> dict[Path, bytes]:
        return {}

    def put(self, file: LocalFile, digest: bytes) -> None:
        pass

    def close(self) -> None:
        pass


class SqliteHashCache:
    """The persistent cache. Thread-safe: the blocking client hashes on several threads.

    New rows wait in memory and are written in short transactions (every few hundred
    rows or seconds, and on close), so that another process sharing the database is
    never kept waiting for long.
    """

    enabled = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[str, int, int, bytes]] = {}
        self._flushed_at = time.monotonic()
        self._failed = False
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._db:
                self._db.execute(_SCHEMA)
        except BaseException:
            self._db.close()
            raise

    def get(self, file: LocalFile) -> bytes | None:
        return self.known([file]).get(file.path)

    def known(self, files: Sequence[LocalFile]) -> dict[Path, bytes]:
        # A query per few hundred files rather than per file: a sixth of the time.
        keys = [str(file.path) for file in files]
        rows: dict[str, tuple[int, int, bytes]] = {}
        with self._lock:
            if not self._failed:
                try:
                    for start in range(0, len(keys), _QUERY_BATCH):
                        batch = keys[start : start + _QUERY_BATCH]
                        marks = ",".join("?" * len(batch))
                        query = (
                            f"SELECT path, size, mtime_ns, digest FROM sha1 WHERE path IN ({marks})"
                        )
                        rows.update((row[0], row[1:]) for row in self._db.execute(query, batch))
                except sqlite3.Error as exc:
                    self._give_up(exc)
                    rows.clear()
            # Rows not written yet are as good (and newer).
            rows.update((key, entry[1:]) for key, entry in self._pending.items())
        found = {}
        for key, file in zip(keys, files, strict=True):
            row = rows.get(key)
            if row is not None and row[:2] == (file.size, file.mtime_ns):
                found[file.path] = bytes(row[2])
        return found

    def put(self, file: LocalFile, digest: bytes) -> None:
        key = str(file.path)
        with self._lock:
            self._pending[key] = (key, file.size, file.mtime_ns, digest)
            due = time.monotonic() - self._flushed_at > _FLUSH_SECONDS
            if len(self._pending) >= _FLUSH_ROWS or due:
                self._flush()

    def close(self) -> None:
        with self._lock:
            try:
                self._flush()
            finally:
                self._db.close()

    def _flush(self) -> None:
        if self._failed or not self._pending:
            return
        try:
            with self._db:  # one short transaction
                self._db.executemany(
                    "INSERT OR REPLACE INTO sha1 (path, size, mtime_ns, digest) VALUES (?, ?, ?, ?)",
                    list(self._pending.values()),
                )
        except sqlite3.Error as exc:
            self._give_up(exc)
            return
        self._pending.clear()
        self._flushed_at = time.monotonic()

    def _give_up(self, exc: sqlite3.Error) -> None:
        # The cache only saves time; a locked or broken database must not fail an upload.
        self._failed = True
        warnings.warn(f"hash cache {self.path} disabled: {exc}", stacklevel=4)


def open_hash_cache(setting: bool | str | os.PathLike[str]) -> HashCache:
    """``True``: the default location; ``False``: no cache; a path: that database file."""
    if setting is False:
        return NoHashCache()
    path = default_cache_dir() / "hashes.sqlite3" if setting is True else Path(setting)
    try:
        return SqliteHashCache(path)
    except (OSError, sqlite3.Error) as exc:
        warnings.warn(f"hash cache {path} unusable, files will be read again: {exc}", stacklevel=3)
        return NoHashCache()
