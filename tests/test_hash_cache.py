"""The SHA-1 cache: hits while a file is unchanged, safe to share, never fatal."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from immich._transfer import hash_cache as _hash_cache
from immich._transfer.files import LocalFile
from immich._transfer.hash_cache import (
    NoHashCache,
    SqliteHashCache,
    default_cache_dir,
    from_server,
    open_hash_cache,
    sha1_file,
    to_base64,
)


def local(path: Path) -> LocalFile:
    return LocalFile.from_stat(path.absolute(), path.stat())


def test_sha1_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)
    path.write_bytes(data)
    assert sha1_file(path) == hashlib.sha1(data).digest()


def test_checksum_encodings_round_trip() -> None:
    digest = hashlib.sha1(b"x").digest()
    assert from_server(to_base64(digest)) == digest
    assert from_server(digest.hex()) == digest
    assert from_server("not a checksum") is None
    assert from_server(to_base64(b"short")) is None


def test_cache_hits_only_while_size_and_mtime_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"one")
    cache = SqliteHashCache(tmp_path / "cache" / "hashes.sqlite3")
    file = local(path)
    assert cache.get(file) is None
    cache.put(file, b"d" * 20)
    assert cache.get(file) == b"d" * 20
    path.write_bytes(b"two!")
    assert cache.get(local(path)) is None
    cache.close()


def test_known_answers_as_get_does_for_many_files_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for index in range(1203):  # more than one query's worth
        (folder / f"{index}.jpg").write_bytes(b"x" * (index % 7))
    files = [local(path) for path in sorted(folder.iterdir())]
    cache = SqliteHashCache(tmp_path / "hashes.sqlite3")
    for index, file in enumerate(files[:1000]):
        cache.put(file, index.to_bytes(20, "big"))
    cache.close()
    cache = SqliteHashCache(tmp_path / "hashes.sqlite3")
    cache.put(files[1100], b"p" * 20)  # not written yet: still found
    changed = files[5].path
    changed.write_bytes(b"changed")  # its size is another: not found
    files[5] = local(changed)
    known = cache.known(files)
    assert known == {file.path: cache.get(file) for file in files if cache.get(file) is not None}
    assert len(known) == 1000
    assert files[5].path not in known
    assert files[1100].path in known
    assert NoHashCache().known(files) == {}
    cache.close()


def test_cache_survives_reopening_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"one")
    db = tmp_path / "hashes.sqlite3"
    first = SqliteHashCache(db)
    first.put(local(path), b"d" * 20)
    first.close()
    second = SqliteHashCache(db)
    assert second.get(local(path)) == b"d" * 20
    second.close()
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_caches_on_one_file_at_once(tmp_path: Path) -> None:
    """Concurrent runs (processes) share the database; SQLite serialises them."""
    db = tmp_path / "hashes.sqlite3"
    caches = [SqliteHashCache(db), SqliteHashCache(db)]
    files = []
    for index in range(40):
        path = tmp_path / f"{index}.jpg"
        path.write_bytes(str(index).encode())
        files.append(local(path))

    def fill(cache: SqliteHashCache, part: list[LocalFile]) -> None:
        for file in part:
            cache.put(file, hashlib.sha1(file.path.read_bytes()).digest())

    threads = [threading.Thread(target=fill, args=(caches[i], files[i::2])) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for cache in caches:
        cache.close()
    reader = SqliteHashCache(db)
    assert all(reader.get(file) is not None for file in files)
    reader.close()


def test_an_unusable_cache_is_turned_off_with_a_warning(tmp_path: Path) -> None:
    bad = tmp_path / "hashes.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.warns(UserWarning, match="hash cache"):
        cache = open_hash_cache(bad)
    assert isinstance(cache, NoHashCache)
    assert isinstance(open_hash_cache(False), NoHashCache)


def test_default_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "immich"


def test_default_location_without_platformdirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_platformdirs(name: str, *args: object, **kwargs: object) -> object:
        if name == "platformdirs":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(builtins, "__import__", no_platformdirs)
    assert _hash_cache.default_cache_dir() == tmp_path / ".cache" / "immich"
