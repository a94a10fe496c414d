"""What a mirror knows, in one SQLite file inside it: ``DEST/.immich-mirror/state.db``.

Every asset and album the server's sync stream described, with the asset's file in the
mirror (if any), and what is still to do about it (a download, a sidecar to write, its
tags to read). The stream's changes are written here, and committed, before they are
acknowledged to the server; files are recorded as they land. Whatever stops a run, the
next one finds here what is left, and finds on disk (by checksum) what landed after the
last commit: nothing is lost, nothing is downloaded twice. A commit that names files
written since the last one first has the operating system write them to disk, so that
even a power cut never leaves the state naming a file whose bytes were only in memory.

The file also holds the mirror's session token (the sync protocol's checkpoints belong
to a session): it is created readable by its owner only, in a folder only its owner can
enter. Nothing here talks to a server.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from immich._core import json_codec as _json

STATE_DIR = ".immich-mirror"
STATE_FILE = "state.db"
LOCK_FILE = "lock"
SCHEMA_VERSION = 1
# Recorded files are committed at least this often during downloads.
_COMMIT_EVERY = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
    id TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    asset TEXT NOT NULL,
    exif TEXT,
    tags TEXT,
    path TEXT,
    file_checksum TEXT,
    in_trash INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    fetch INTEGER NOT NULL DEFAULT 0,
    tags_stale INTEGER NOT NULL DEFAULT 0,
    sidecar_stale INTEGER NOT NULL DEFAULT 0,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS assets_fetch ON assets(id) WHERE fetch = 1;
CREATE INDEX IF NOT EXISTS assets_tags ON assets(id) WHERE tags_stale = 1;
CREATE INDEX IF NOT EXISTS assets_sidecar ON assets(id) WHERE sidecar_stale = 1;
CREATE TABLE IF NOT EXISTS albums (
    id TEXT PRIMARY KEY,
    album TEXT NOT NULL,
    file TEXT,
    removed INTEGER NOT NULL DEFAULT 0,
    stale INTEGER NOT NULL DEFAULT 1,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS album_assets (
    album_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (album_id, asset_id)
);
CREATE INDEX IF NOT EXISTS album_assets_by_asset ON album_assets(asset_id);
"""


class MirrorLockedError(OSError):
    """Another run is using this mirror."""


def _dumps(value: Any) -> str:
    return _json.dumps(value).decode()


class MirrorState:
    """The state of one mirror. Safe to call from several threads (one lock around all);
    open with :meth:`open`, end with :meth:`close`. In a dry run nothing is ever
    committed (and a new mirror's state lives in memory)."""

    def __init__(self, connection: sqlite3.Connection, lock_file: Any, *, dry_run: bool) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._pending_lock = threading.Lock()
        self._pending: list[tuple[str, str | None, str]] = []
        self._lock_file = lock_file
        self.dry_run = dry_run
        self._last_commit = time.monotonic()
        # Whether the uncommitted changes name files (downloads, sidecars, manifests, moves).
        self._names_files = False
        self._db.executescript(_SCHEMA)
        version = self.get("schema")
        if version is None:
            self.set("schema", str(SCHEMA_VERSION))
        elif int(version) > SCHEMA_VERSION:
            raise RuntimeError(
                f"this mirror was written by a newer immich-sdk (state version {version}); "
                "upgrade it to keep using the mirror"
            )

    @classmethod
    def open(cls, root: Path, *, dry_run: bool) -> MirrorState:
        folder = root / STATE_DIR
        path = folder / STATE_FILE
        if dry_run and not path.exists():
            return cls(_connect(":memory:"), None, dry_run=True)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = _take_lock(folder / LOCK_FILE)
        try:
            if not path.exists():
                # Created empty with the owner's permissions only: it holds a session token.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = _connect(str(path))
            return cls(connection, lock, dry_run=dry_run)
        except BaseException:
            _release_lock(lock)
            raise

    def close(self) -> None:
        with self._locked():
            if self.dry_run:
                self._db.rollback()
            else:
                self._commit()
            self._db.close()
            _release_lock(self._lock_file)
            self._lock_file = None

    # -- transactions --------------------------------------------------------------

    def commit(self) -> None:
        with self._locked():
            if not self.dry_run:
                self._commit()
            self._last_commit = time.monotonic()

    def _commit(self) -> None:
        if self._names_files:
            # The files reach the disk before the state that names them does.
            flush_to_disk()
            self._names_files = False
        self._db.commit()

    # -- meta ----------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        with self._locked():
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    def set(self, key: str, value: str | None) -> None:
        with self._locked():
            if value is None:
                self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    @property
    def is_new(self) -> bool:
        return self.get("user_id") is None

    @property
    def generation(self) -> int:
        return int(self.get("generation") or 0)

    # -- what the stream says --------------------------------------------------------

    def upsert_asset(self, data: Mapping[str, Any], generation: int) -> None:
        """An asset as the stream describes it (``SyncAssetV1``/``V2`` wire data)."""
        asset_id = data["id"]
        wire = _dumps(data)
        with self._locked():
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO assets (id, checksum, asset, fetch, tags_stale, "
                "sidecar_stale, seen) VALUES (?, ?, ?, 1, 1, 1, ?)",
                (asset_id, data["checksum"], wire, generation),
            )
            if inserted.rowcount:
                return
            row = self._db.execute(
                "SELECT checksum, asset, path, removed FROM assets WHERE id = ?", (asset_id,)
            ).fetchone()
            checksum, old_wire, path, removed = row
            changed = old_wire != wire or removed
            fetch = 1 if checksum != data["checksum"] or path is None else None
            self._db.execute(
                "UPDATE assets SET checksum = ?, asset = ?, removed = 0, seen = ?, "
                "fetch = COALESCE(?, fetch), sidecar_stale = sidecar_stale OR ? WHERE id = ?",
                (data["checksum"], wire, generation, fetch, 1 if changed else 0, asset_id),
            )

    def remove_asset(self, asset_id: str) -> bool:
        """Deleted from the server (its file is kept or moved by policy, not here).
        Whether this is news: the mirror knew the asset, and not yet as deleted."""
        with self._locked():
            removed = self._db.execute(
                "UPDATE assets SET removed = 1, fetch = 0, sidecar_stale = 1 "
                "WHERE id = ? AND removed = 0",
                (asset_id,),
            ).rowcount
            self._stale_albums_of(asset_id)
            self._db.execute("DELETE FROM album_assets WHERE asset_id = ?", (asset_id,))
            return removed > 0

    def upsert_exif(self, data: Mapping[str, Any]) -> None:
        """``SyncAssetExifV1``: description, rating, dates and camera; tags may have
        changed with it (Immich keeps them in the same row)."""
        with self._locked():
            self._db.execute(
                "UPDATE assets SET exif = ?, tags_stale = 1, sidecar_stale = 1 WHERE id = ?",
                (_dumps(data), data["assetId"]),
            )

    def upsert_album(self, data: Mapping[str, Any], generation: int) -> None:
        wire = _dumps(data)
        with self._locked():
            self._db.execute(
                "INSERT INTO albums (id, album, seen) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET stale = stale OR album != excluded.album "
                "OR removed, album = excluded.album, removed = 0, seen = excluded.seen",
                (data["id"], wire, generation),
            )

    def remove_album(self, album_id: str) -> None:
        with self._locked():
            self._db.execute(
                "UPDATE albums SET removed = 1, stale = 1 WHERE id = ? AND removed = 0",
                (album_id,),
            )
            self._stale_members(album_id)
            self._db.execute("DELETE FROM album_assets WHERE album_id = ?", (album_id,))

    def add_to_album(self, album_id: str, asset_id: str, generation: int) -> None:
        with self._locked():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO album_assets (album_id, asset_id, seen) VALUES (?, ?, ?)",
                (album_id, asset_id, generation),
            )
            if not cursor.rowcount:
                self._db.execute(
                    "UPDATE album_assets SET seen = ? WHERE album_id = ? AND asset_id = ?",
                    (generation, album_id, asset_id),
                )
            else:
                self._mark_album(album_id)
                self._db.execute("UPDATE assets SET sidecar_stale = 1 WHERE id = ?", (asset_id,))

    def remove_from_album(self, album_id: str, asset_id: str) -> None:
        with self._locked():
            cursor = self._db.execute(
                "DELETE FROM album_assets WHERE album_id = ? AND asset_id = ?",
                (album_id, asset_id),
            )
            if cursor.rowcount:
                self._mark_album(album_id)
                self._db.execute("UPDATE assets SET sidecar_stale = 1 WHERE id = ?", (asset_id,))

    def _mark_album(self, album_id: str) -> None:
        self._db.execute("UPDATE albums SET stale = 1 WHERE id = ?", (album_id,))

    def _stale_albums_of(self, asset_id: str) -> None:
        self._db.execute(
            "UPDATE albums SET stale = 1 WHERE id IN "
            "(SELECT album_id FROM album_assets WHERE asset_id = ?)",
            (asset_id,),
        )

    def _stale_members(self, album_id: str) -> None:
        self._db.execute(
            "UPDATE assets SET sidecar_stale = 1 WHERE id IN "
            "(SELECT asset_id FROM album_assets WHERE album_id = ?)",
            (album_id,),
        )

    def sweep(self, generation: int) -> list[str]:
        """After a complete stream of everything: what it did not list is gone from the
        server. Returns the ids of the assets found gone."""
        with self._locked():
            gone = [
                row[0]
                for row in self._db.execute(
                    "SELECT id FROM assets WHERE removed = 0 AND seen < ?", (generation,)
                )
            ]
            for asset_id in gone:
                self.remove_asset(asset_id)
            stale_albums = [
                row[0]
                for row in self._db.execute(
                    "SELECT id FROM albums WHERE removed = 0 AND seen < ?", (generation,)
                )
            ]
            for album_id in stale_albums:
                self.remove_album(album_id)
            for album_id, asset_id in self._db.execute(
                "SELECT album_id, asset_id FROM album_assets WHERE seen < ?", (generation,)
            ).fetchall():
                self.remove_from_album(album_id, asset_id)
            return gone

    # -- reading ---------------------------------------------------------------------

    def assets(self, where: str = "1", parameters: Iterable[Any] = ()) -> Iterator[AssetRow]:
        with self._locked():
            rows = self._db.execute(
                "SELECT id, checksum, asset, exif, tags, path, file_checksum, in_trash, "
                f"removed FROM assets WHERE {where}",
                tuple(parameters),
            ).fetchall()
        return (AssetRow(*row) for row in rows)

    def asset(self, asset_id: str) -> AssetRow | None:
        return next(self.assets("id = ?", (asset_id,)), None)

    def to_fetch(self) -> list[AssetRow]:
        return list(self.assets("fetch = 1"))

    def stale_tags(self) -> list[str]:
        with self._locked():
            return [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM assets WHERE tags_stale = 1 AND removed = 0"
                )
            ]

    def stale_sidecars(self) -> list[AssetRow]:
        return list(self.assets("sidecar_stale = 1"))

    def files(self) -> list[tuple[str, str, str | None, int]]:
        """(asset id, path, file checksum, in .trash) of every file the mirror holds."""
        with self._locked():
            return self._db.execute(
                "SELECT id, path, file_checksum, in_trash FROM assets WHERE path IS NOT NULL"
            ).fetchall()

    def holds_files(self) -> bool:
        with self._locked():
            return bool(
                self._db.execute("SELECT 1 FROM assets WHERE path IS NOT NULL LIMIT 1").fetchone()
            )

    def albums_by_asset(self, asset_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Asset id -> the albums it is in (by id), for the assets given."""
        wanted = set(asset_ids)
        found: dict[str, list[dict[str, Any]]] = {}
        albums: dict[str, dict[str, Any]] = {}
        with self._locked():
            rows = self._db.execute(
                "SELECT album_assets.asset_id, albums.id, albums.album FROM album_assets "
                "JOIN albums ON albums.id = album_assets.album_id WHERE albums.removed = 0 "
                "ORDER BY albums.id"
            ).fetchall()
        for asset_id, album_id, album in rows:
            if asset_id in wanted:
                if album_id not in albums:
                    albums[album_id] = _json.loads(album)
                found.setdefault(asset_id, []).append(albums[album_id])
        return found

    def stale_albums(self) -> list[AlbumRow]:
        with self._locked():
            rows = self._db.execute(
                "SELECT id, album, file, removed FROM albums WHERE stale = 1"
            ).fetchall()
        return [AlbumRow(r[0], _json.loads(r[1]), r[2], bool(r[3])) for r in rows]

    def album_files(self) -> dict[str, str]:
        """Album id -> its manifest's file name (without ``.json``), for every album."""
        with self._locked():
            return {
                r[0]: r[1]
                for r in self._db.execute("SELECT id, file FROM albums WHERE file IS NOT NULL")
            }

    def album_members(self, album_id: str) -> list[tuple[str, str | None]]:
        """(asset id, its file's path or None) of an album's assets."""
        with self._locked():
            return [
                (r[0], r[1])
                for r in self._db.execute(
                    "SELECT album_assets.asset_id, assets.path FROM album_assets "
                    "LEFT JOIN assets ON assets.id = album_assets.asset_id "
                    "AND assets.in_trash = 0 WHERE album_assets.album_id = ? "
                    "ORDER BY album_assets.asset_id",
                    (album_id,),
                )
            ]

    def counts(self) -> dict[str, int]:
        with self._locked():
            assets, files = self._db.execute(
                "SELECT COUNT(*), COUNT(path) FROM assets WHERE removed = 0"
            ).fetchone()
            albums = self._db.execute("SELECT COUNT(*) FROM albums WHERE removed = 0").fetchone()
        return {"assets": assets, "files": files, "albums": albums[0]}

    # -- what was done ------------------------------------------------------------------

    def set_tags(self, asset_id: str, tags: list[str] | None) -> None:
        with self._locked():
            self._db.execute(
                "UPDATE assets SET tags_stale = 0, tags = ?, sidecar_stale = sidecar_stale "
                "OR COALESCE(tags, '') != COALESCE(?, '') WHERE id = ?",
                (
                    None if tags is None else _dumps(tags),
                    None if tags is None else _dumps(tags),
                    asset_id,
                ),
            )

    def set_no_tags(self, asset_ids: Iterable[str]) -> None:
        """These assets have no tags (the user has none, or none of them has one)."""
        with self._locked():
            self._db.executemany(
                "UPDATE assets SET tags_stale = 0, tags = '[]', sidecar_stale = sidecar_stale "
                "OR COALESCE(tags, '') != '[]' WHERE id = ?",
                ((i,) for i in asset_ids),
            )

    def record_file(self, asset_id: str, path: str, file_checksum: str | None) -> None:
        """The asset's content is now in ``path`` (relative to the mirror); its sidecar
        is still to write. Noted in memory, and written to the database with the others
        now and then (downloads on several threads do not queue for it one by one): what
        a crash loses of these notes, the next run finds again by checksum."""
        with self._pending_lock:
            self._pending.append((path, file_checksum, asset_id))
            due = time.monotonic() - self._last_commit >= _COMMIT_EVERY
        if due:
            self.commit()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The database, with the files noted since the last write written first."""
        with self._lock:
            with self._pending_lock:
                pending, self._pending = self._pending, []
            if pending:
                self._names_files = True
                self._db.executemany(
                    "UPDATE assets SET path = ?, file_checksum = ?, in_trash = 0, fetch = 0, "
                    "sidecar_stale = 1 WHERE id = ?",
                    pending,
                )
                self._db.executemany(
                    "UPDATE albums SET stale = 1 WHERE id IN "
                    "(SELECT album_id FROM album_assets WHERE asset_id = ?)",
                    [(item[2],) for item in pending],
                )
            yield

    def move_file(self, asset_id: str, path: str | None, in_trash: bool) -> None:
        with self._locked():
            self._names_files = True
            self._db.execute(
                "UPDATE assets SET path = ?, in_trash = ?, sidecar_stale = 1 WHERE id = ?",
                (path, 1 if in_trash else 0, asset_id),
            )
            self._stale_albums_of(asset_id)

    def lose_file(self, asset_id: str) -> None:
        """Its file is missing or damaged: download it again (unless it is gone)."""
        with self._locked():
            self._db.execute(
                "UPDATE assets SET path = NULL, file_checksum = NULL, in_trash = 0, "
                "fetch = 1 - removed WHERE id = ?",
                (asset_id,),
            )
            self._stale_albums_of(asset_id)

    def sidecars_written(self, asset_ids: list[str]) -> None:
        with self._locked():
            self._names_files = True
            self._db.executemany(
                "UPDATE assets SET sidecar_stale = 0 WHERE id = ?", ((i,) for i in asset_ids)
            )

    def album_written(self, album_id: str, file: str | None) -> None:
        with self._locked():
            self._names_files = True
            self._db.execute("UPDATE albums SET stale = 0, file = ? WHERE id = ?", (file, album_id))

    def stale_all_albums(self) -> None:
        with self._locked():
            self._db.execute("UPDATE albums SET stale = 1")

    def forget_album(self, album_id: str) -> None:
        with self._locked():
            self._db.execute("DELETE FROM albums WHERE id = ?", (album_id,))


class AssetRow:
    """One asset of the state: the server's data (wire JSON) and the mirror's file."""

    __slots__ = (
        "asset",
        "checksum",
        "exif",
        "file_checksum",
        "id",
        "in_trash",
        "path",
        "removed",
        "tags",
    )

    def __init__(
        self,
        asset_id: str,
        checksum: str,
        asset: str,
        exif: str | None,
        tags: str | None,
        path: str | None,
        file_checksum: str | None,
        in_trash: int,
        removed: int,
    ) -> None:
        self.id = asset_id
        self.checksum = checksum
        self.asset: dict[str, Any] = _json.loads(asset)
        self.exif: dict[str, Any] | None = _json.loads(exif) if exif else None
        self.tags: list[str] | None = _json.loads(tags) if tags else None
        self.path = path
        self.file_checksum = file_checksum
        self.in_trash = bool(in_trash)
        self.removed = bool(removed)

    @property
    def trashed(self) -> bool:
        """In the server's trash."""
        return bool(self.asset.get("deletedAt"))

    @property
    def locked(self) -> bool:
        return self.asset.get("visibility") == "locked"


class AlbumRow:
    __slots__ = ("album", "file", "id", "removed")

    def __init__(self, album_id: str, album: dict[str, Any], file: str | None, removed: bool):
        self.id = album_id
        self.album = album
        self.file = file
        self.removed = removed


def read_meta(root: Path, key: str) -> str | None:
    """One setting of the mirror in ``root`` (None when there is no mirror there), read
    without taking the mirror's lock: e.g. its server's URL, before a run starts."""
    path = root / STATE_DIR / STATE_FILE
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def flush_to_disk() -> None:
    """Have the operating system write every file written so far to disk: one ``sync()``
    for all of them, where an ``fsync`` each would cost a disk round trip per file. On
    Linux it returns once the data is written; macOS only schedules the writes, and
    Windows has no such call (there, a power cut can still leave files short: the
    guide says to verify after one)."""
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level="DEFERRED")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def _take_lock(path: Path) -> Any:
    """An exclusive lock on ``path`` for as long as the run lasts (released by the OS if
    the process dies)."""
    handle = open(path, "a+b")  # noqa: SIM115 - kept open as the lock
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise MirrorLockedError(
            f"another run is using the mirror in {path.parent.parent} (its lock is {path})"
        ) from None
    return handle


def _release_lock(handle: Any) -> None:
    if handle is not None:
        with contextlib.suppress(OSError):
            handle.close()
