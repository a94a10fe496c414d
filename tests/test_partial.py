"""Partial downloads: kept for resuming, renamed only when their SHA-1 is right."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from immich._transfer.partial import BUFFER_SIZE, ChecksumMismatch, PartialDownload

DATA = bytes(range(256)) * 100


def test_fresh_download_is_renamed_when_it_checks_out(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    assert part.path.name == ".immich-asset-1.part"
    part.open(0)
    part.write(DATA)
    target = tmp_path / "a.jpg"
    digest, info = part.finish(target, hashlib.sha1(DATA).digest())
    assert digest == hashlib.sha1(DATA).digest()
    assert target.read_bytes() == DATA
    assert (info.st_size, info.st_ino) == (len(DATA), target.stat().st_ino)
    assert not part.path.exists()


def test_a_small_file_touches_the_disk_only_when_finished(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.open(0)
    part.write(DATA[:1000])
    part.write(DATA[1000:])
    assert not part.path.exists()
    part.finish(tmp_path / "a.jpg", hashlib.sha1(DATA).digest())
    assert (tmp_path / "a.jpg").read_bytes() == DATA


def test_a_large_file_is_written_as_it_arrives(tmp_path: Path) -> None:
    big = DATA * (BUFFER_SIZE // len(DATA) + 2)
    part = PartialDownload(tmp_path, "asset-1")
    part.open(0)
    for start in range(0, len(big), 65536):
        part.write(big[start : start + 65536])
    part._file.flush()  # type: ignore[union-attr]
    assert part.path.stat().st_size >= len(big) - BUFFER_SIZE
    part.finish(tmp_path / "big", hashlib.sha1(big).digest())
    assert (tmp_path / "big").read_bytes() == big


def test_stopping_early_keeps_every_byte_received(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.open(0)
    part.write(DATA[:5000])
    part.close()
    assert part.path.read_bytes() == DATA[:5000]
    assert PartialDownload(tmp_path, "asset-1").resumable_size(len(DATA)) == 5000


def test_starting_over_replaces_a_stale_partial_file(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.path.write_bytes(b"stale bytes of another version" * 100)
    part.open(0)
    part.write(DATA)
    part.finish(tmp_path / "a.jpg", hashlib.sha1(DATA).digest())
    assert (tmp_path / "a.jpg").read_bytes() == DATA


def test_an_empty_file_is_written_too(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.open(0)
    part.finish(tmp_path / "empty", hashlib.sha1(b"").digest())
    assert (tmp_path / "empty").read_bytes() == b""


def test_resume_keeps_and_hashes_the_prefix(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.path.write_bytes(DATA[:1000] + b"junk after a crash")
    part.open(1000)
    part.write(DATA[1000:])
    target = tmp_path / "a.jpg"
    part.finish(target, hashlib.sha1(DATA).digest())
    assert target.read_bytes() == DATA


def test_a_mismatch_leaves_no_complete_looking_file(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    part.open(0)
    part.write(b"not the file")
    target = tmp_path / "a.jpg"
    with pytest.raises(ChecksumMismatch):
        part.finish(target, hashlib.sha1(DATA).digest())
    assert not target.exists()
    assert not part.path.exists()
    part.close()  # as the downloader does after a failure: nothing comes back
    assert not part.path.exists()


def test_resumable_size_is_validated(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    assert part.resumable_size(100) == 0
    part.path.write_bytes(b"x" * 50)
    assert part.resumable_size(100) == 50
    assert part.resumable_size(None) == 50
    # Bigger than the asset: not a prefix of it.
    assert part.resumable_size(10) == 0
    assert not part.path.exists()


def test_hostile_asset_ids_cannot_move_the_part_file(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "../../escape")
    assert part.path.parent == tmp_path
