"""Partial downloads: kept for resuming, renamed only when their SHA-1 is right."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from immich._partial import ChecksumMismatch, PartialDownload

DATA = bytes(range(256)) * 100


def test_fresh_download_is_renamed_when_it_checks_out(tmp_path: Path) -> None:
    part = PartialDownload(tmp_path, "asset-1")
    assert part.path.name == ".immich-asset-1.part"
    part.open(0)
    part.write(DATA)
    target = tmp_path / "a.jpg"
    assert part.finish(target, hashlib.sha1(DATA).digest()) == hashlib.sha1(DATA).digest()
    assert target.read_bytes() == DATA
    assert not part.path.exists()


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
