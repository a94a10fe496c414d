"""The mirror against a real server: it follows the library (uploads, edits, albums, trash,
deletions) and, compared with the server after every run, holds each asset's bytes, a
sidecar that says what the server says, and each album's members. A run stopped half way
(an exception from the progress callback; a process killed: ``tests/e2e/test_mirror_cli.py``)
loses nothing and downloads nothing twice. On 2.x the mirror streams the V1 sync types."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import immich
from immich import Client, MirrorResult
from immich._transfer.concurrency import sleep
from immich._transfer.progress import Progress
from tests.e2e._sync.uploads import Uploaded, wait_processed
from tests.e2e.server import Account

DEVICE = "Immich SDK mirror"
# The PUT update endpoints are deprecated without a replacement yet (see the README).
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated by the Immich API:DeprecationWarning")


class Stop(Exception):
    """Raised from a progress callback to stop a run half way."""


def _b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def _sidecars(dest: Path) -> dict[str, dict[str, Any]]:
    """Asset id -> its sidecar (and ``"file"``, the file beside it), outside .trash/."""
    found = {}
    for path in dest.rglob("*.json"):
        if path.relative_to(dest).parts[0] in (".trash", ".immich-mirror", "albums"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["id"]] = {**data, "file": path.with_name(path.name[: -len(".json")])}
    return found


def _compare(client: Client, dest: Path, ids: set[str], *, prune: bool = False) -> None:
    """The mirror holds what the server has of ``ids`` (the user's assets), and its album
    manifests list what the server's albums hold."""
    sidecars = _sidecars(dest)
    for asset_id in sorted(ids):
        asset = client.assets.get_asset_info(asset_id)
        if prune and asset.is_trashed:
            assert asset_id not in sidecars
            continue
        side = sidecars[asset_id]
        assert side["file"].is_file(), side["file"]
        assert _b64(side["file"].read_bytes()) == asset.checksum, asset.original_file_name
        assert side["checksum"] == asset.checksum
        assert side["originalFileName"] == asset.original_file_name
        assert side["isFavorite"] == asset.is_favorite
        assert bool(side["deletedAt"]) == asset.is_trashed
        assert side["visibility"] == str(asset.visibility)
        exif = asset.exif_info
        assert side["description"] == (exif.description if exif else None)
        assert side["rating"] == (exif.rating if exif else None)
        assert sorted(side["tags"] or []) == sorted(t.value for t in asset.tags or [])
        assert side["deletedFromServer"] is False
    albums = {a.id: a for a in client.albums.get_all_albums()}
    manifests = {}
    for path in (dest / "albums").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not data["deletedFromServer"]:
            manifests[data["id"]] = data
    assert manifests.keys() == albums.keys()
    for album_id, manifest in manifests.items():
        info = client.albums.get_album_info(album_id)
        assert manifest["name"] == info.album_name
        members = _library(client, album_ids=[album_id])
        assert {a["id"] for a in manifest["assets"]} == members
        for member in manifest["assets"]:
            if member["path"] is not None:
                assert (dest / member["path"]).is_file()


def _library(client: Client, **filters: Any) -> set[str]:
    """The ids of every asset of the user (or of an album), trashed ones too (2.x
    searches one visibility at a time)."""
    visibilities: list[Any] = [immich.UNSET]
    if client.server_version() < (3, 0, 0):
        visibilities = ["timeline", "archive", "hidden"]
    found: set[str] = set()
    for visibility in visibilities:
        for asset in client.search.iter_assets(with_deleted=True, visibility=visibility, **filters):
            found.add(asset.id)
    return found


def _wait_gone(client: Client, asset_id: str) -> None:
    """Until the server has deleted the asset for good (a background job)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            client.assets.get_asset_info(asset_id)
        except immich.BadRequestError:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"asset {asset_id} still there after 60 s")
        sleep(0.25)


def _photo(path: Path, seed: int, side: int = 64) -> Path:
    """A JPEG of noise (it compresses badly: large for its size in pixels)."""
    data = hashlib.shake_256(f"mirror-{seed}".encode()).digest(side * side * 3)
    Image.frombytes("RGB", (side, side), data).save(path, quality=95)
    return path


def _photos(folder: Path, seeds: range, side: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [_photo(folder / f"mirror-{seed}.jpg", seed, side) for seed in seeds]


def _upload(client: Client, folder: Path, seeds: range, side: int = 64) -> list[str]:
    paths = _photos(folder, seeds, side)
    result = client.upload(paths, hash_cache=False)
    assert result.ok, result
    ids = [result.uploaded[p] for p in paths]
    wait_processed(client, ids)
    return ids


def test_the_mirror_follows_the_library(
    client: Client, account: Account, uploaded: Uploaded, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    first = client.mirror(dest, email=account.email, password=account.password)

    assert first.ok, first.notes
    assert first.full
    assert set(first.downloaded) == uploaded.asset_ids  # the live photo's video too
    assert first.assets == first.files == len(uploaded.asset_ids)
    _compare(client, dest, uploaded.asset_ids)

    nothing = client.mirror(dest)  # the mirror's own session: no password
    assert nothing.ok
    assert (nothing.downloaded, nothing.updated, nothing.events) == ({}, (), 1)

    # The library changes.
    new = _upload(client, tmp_path / "new", range(2))
    photo, clip, other = (
        uploaded.id("Berlin 2021/IMG_0001.jpg"),
        uploaded.id("Videos/clip.mp4"),
        uploaded.id("Paris/日本語の名前.jpg"),
    )
    gone = uploaded.id("Berlin 2021/IMG_0002.jpg")
    client.assets.update_asset(photo, is_favorite=True, description="by the river")
    album = client.albums.create_album(album_name="Mirror test", asset_ids=[photo, other])
    berlin = next(a for a in client.albums.get_all_albums() if a.album_name == "Berlin 2021")
    client.albums.remove_asset_from_album(berlin.id, ids=[photo])
    [tag] = client.tags.upsert_tags(tags=["mirror/river"])
    client.tags.tag_assets(tag.id, ids=[photo])
    client.assets.delete_assets(ids=[clip])  # to the trash
    client.assets.delete_assets(ids=[gone], force=True)
    _wait_gone(client, gone)

    second = client.mirror(dest)

    assert second.ok, second.notes
    assert not second.full
    assert set(second.downloaded) == set(new)  # exactly the new files
    assert second.deleted == (gone,)
    assert {photo, clip, other} <= set(second.updated)
    remaining = (uploaded.asset_ids | set(new)) - {gone}
    _compare(client, dest, remaining)
    sidecars = _sidecars(dest)
    assert sidecars[photo]["description"] == "by the river"
    assert sidecars[photo]["tags"] == ["mirror/river"]
    assert {"id": album.id, "name": "Mirror test"} in sidecars[photo]["albums"]
    assert not any(a["id"] == berlin.id for a in sidecars[photo]["albums"])
    kept = next(p for p in dest.rglob("IMG_0002.jpg.json") if ".trash" not in p.parts)
    assert json.loads(kept.read_text())["deletedFromServer"] is True

    pruned = client.mirror(dest, prune=True)
    assert pruned.ok
    assert set(pruned.trashed) == {clip, gone}
    assert pruned.downloaded == {}
    _compare(client, dest, remaining, prune=True)

    client.trash.restore_assets(ids=[clip])
    restored = client.mirror(dest, prune=True)
    assert set(restored.restored) == {clip}
    assert restored.downloaded == {}
    _compare(client, dest, remaining, prune=True)


def test_a_reset_from_the_server_lists_everything_and_downloads_nothing(
    client: Client, account: Account, uploaded: Uploaded, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    client.mirror(dest, email=account.email, password=account.password)
    session = Client(client.base_url)
    session.login(account.email, account.password)
    try:
        mine = next(s for s in session.sessions.get_sessions() if s.device_type == DEVICE)
        session.sessions.update_session(mine.id, is_pending_sync_reset=True)
    finally:
        session.close()

    again = client.mirror(dest)

    assert again.ok, again.notes
    assert again.full
    assert any("SyncResetV1" in note for note in again.notes)
    assert again.downloaded == {}
    assert again.assets == again.files == len(_library(client))


def test_an_api_key_alone_is_refused(client: Client, tmp_path: Path) -> None:
    with pytest.raises(immich.ConfigurationError, match="refuses API keys"):
        client.mirror(tmp_path / "mirror")


def test_a_run_stopped_half_way_resumes_without_downloading_twice(
    client: Client, account: Account, uploaded: Uploaded, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    library = _library(client)
    landed: list[Path] = []

    def stop_after_three(progress: Progress) -> None:
        if progress.phase == "download" and progress.path is not None:
            landed.append(progress.path)
            if len(landed) == 3:
                raise Stop

    with pytest.raises(Stop):
        client.mirror(
            dest,
            email=account.email,
            password=account.password,
            progress=stop_after_three,
            concurrency=1,
        )
    assert len(landed) == 3

    resumed = client.mirror(dest)

    assert resumed.ok, resumed.notes
    fetched = set(resumed.downloaded) | set(resumed.already_there)
    assert fetched <= library
    assert len(fetched) < len(library)  # what the first run wrote was not fetched again
    _compare(client, dest, library)


def test_the_result_is_exported() -> None:
    assert MirrorResult is immich.MirrorResult
