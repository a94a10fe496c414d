"""The mirror's state commits the files it names only once they are on disk."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from immich._transfer import mirror_state
from immich._transfer.mirror_state import STATE_DIR, STATE_FILE, MirrorState

ASSET = {"id": "a1", "checksum": "c2hhMQ=="}


def committed_path(root: Path) -> str | None:
    """The asset's file as another connection sees it: what a power cut would leave."""
    connection = sqlite3.connect(root / STATE_DIR / STATE_FILE)
    try:
        row = connection.execute("SELECT path FROM assets WHERE id = 'a1'").fetchone()
    finally:
        connection.close()
    return None if row is None else row[0]


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str | None]:
    """Each flush to disk, as the asset's committed path at that moment."""
    seen: list[str | None] = []
    monkeypatch.setattr(mirror_state.os, "sync", lambda: seen.append(committed_path(tmp_path)))
    return seen


@pytest.fixture
def state(tmp_path: Path) -> Iterator[MirrorState]:
    opened = MirrorState.open(tmp_path, dry_run=False)
    opened.upsert_asset(ASSET, generation=1)
    opened.commit()
    yield opened
    opened.close()


def test_a_commit_naming_a_new_file_flushes_the_disk_before_it_commits(
    state: MirrorState, syncs: list[str | None], tmp_path: Path
) -> None:
    state.record_file("a1", "2024/01/a.jpg", None)
    state.commit()
    # One flush, made while the committed state did not name the file yet.
    assert syncs == [None]
    assert committed_path(tmp_path) == "2024/01/a.jpg"


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.sidecars_written(["a1"]),
        lambda s: s.album_written("album", "Trip.json"),
        lambda s: s.move_file("a1", ".trash/a.jpg", True),
    ],
    ids=["sidecar", "album manifest", "move"],
)
def test_sidecars_manifests_and_moves_are_flushed_too(
    state: MirrorState, syncs: list[str | None], change: Callable[[MirrorState], None]
) -> None:
    change(state)
    state.commit()
    assert len(syncs) == 1


def test_commits_naming_no_new_file_do_not_flush(
    state: MirrorState, syncs: list[str | None]
) -> None:
    state.set("acked", "1")
    state.upsert_asset({**ASSET, "checksum": "bmV3"}, generation=2)
    state.commit()
    state.record_file("a1", "a.jpg", None)
    state.commit()
    state.commit()  # nothing new since the last flush
    assert len(syncs) == 1


def test_closing_flushes_what_it_commits(tmp_path: Path, syncs: list[str | None]) -> None:
    state = MirrorState.open(tmp_path, dry_run=False)
    state.upsert_asset(ASSET, generation=1)
    state.commit()
    state.record_file("a1", "a.jpg", None)
    state.close()
    assert syncs == [None]
    assert committed_path(tmp_path) == "a.jpg"


def test_a_dry_run_never_flushes(tmp_path: Path, syncs: list[str | None]) -> None:
    state = MirrorState.open(tmp_path, dry_run=True)
    state.upsert_asset(ASSET, generation=1)
    state.record_file("a1", "a.jpg", None)
    state.commit()
    state.close()
    assert syncs == []
