"""Trash: deleting moves assets to the trash (still there, still downloadable), restoring
brings them back, emptying deletes them for good: then a download is refused, and the
same file uploads again as a new asset."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest

import immich
from immich import AsyncClient
from immich._transfer.concurrency import async_sleep
from tests.e2e._async.uploads import Uploaded, sha1, wait_processed

UTC = datetime.timezone.utc
LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=UTC)


async def _visible(client: AsyncClient) -> set[str]:
    answer = await client.search.search_assets(size=1000)
    return {a.id for a in answer.assets.items}


async def _trashed(client: AsyncClient) -> set[str]:
    answer = await client.search.search_assets(size=1000, with_deleted=True, trashed_after=LONG_AGO)
    return {a.id for a in answer.assets.items}


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def _wait_gone(client: AsyncClient, asset_id: str, *, timeout: float = 60) -> None:
    """Until the server has deleted the asset (emptying the trash is a background job)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            await client.assets.get_asset_info(asset_id)
        except immich.BadRequestError:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"asset {asset_id} still there after {timeout:.0f} s")
        await async_sleep(0.25)


async def test_trash_and_restore(client: AsyncClient, uploaded: Uploaded) -> None:
    photo = uploaded.id("Berlin 2021/IMG_0002.jpg")
    clip = uploaded.id("Videos/clip.mp4")
    everything = await _visible(client)
    assert await _trashed(client) == set()
    await client.assets.delete_assets(ids=[photo, clip])

    for asset_id in (photo, clip):
        asset = await client.assets.get_asset_info(asset_id)
        assert asset.is_trashed
    stats = await client.assets.get_asset_statistics(is_trashed=True)
    assert (stats.images, stats.videos, stats.total) == (1, 1, 2)
    assert await _visible(client) == everything - {photo, clip}
    assert await _trashed(client) == {photo, clip}
    # Still the user's: a trashed asset downloads as before.
    data = await client.assets.download_asset(photo)
    assert sha1(data) == sha1(uploaded.local("Berlin 2021/IMG_0002.jpg"))

    restored = await client.trash.restore_assets(ids=[photo])
    assert restored.count == 1
    back = await client.assets.get_asset_info(photo)
    assert not back.is_trashed
    assert await _trashed(client) == {clip}
    rest = await client.trash.restore_trash()
    assert rest.count == 1
    assert await _trashed(client) == set()
    assert await _visible(client) == everything
    stats = await client.assets.get_asset_statistics(is_trashed=True)
    assert stats.total == 0


async def test_a_duplicate_in_the_trash_is_not_deleted_locally(
    client: AsyncClient, uploaded: Uploaded, tmp_path: Path
) -> None:
    rel = "Paris/日本語の名前.jpg"
    asset_id = uploaded.id(rel)
    local = tmp_path / "copy.jpg"
    local.write_bytes(uploaded.local(rel))
    await client.assets.delete_assets(ids=[asset_id])
    try:
        result = await client.upload(local, delete_duplicates=True, hash_cache=False)
        assert dict(result.duplicates) == {local: asset_id}
        assert dict(result.uploaded) == {}
        # The server's copy may yet be emptied from the trash: the local file stays.
        assert result.deleted == ()
        assert local.exists()
        still = await client.assets.get_asset_info(asset_id)
        assert still.is_trashed
    finally:
        await client.trash.restore_assets(ids=[asset_id])


async def test_emptied_for_good(client: AsyncClient, uploaded: Uploaded, tmp_path: Path) -> None:
    rel = "Berlin 2021/Straße am Fluss.jpg"
    asset_id = uploaded.id(rel)
    album = uploaded.result.albums["Berlin 2021"]
    await client.assets.delete_assets(ids=[asset_id])
    emptied = await client.trash.empty_trash()
    assert emptied.count == 1
    await _wait_gone(client, asset_id)

    # What the server answers for an asset that is gone: 404 for its file, 400 for its
    # record ("Not found or no asset.read access").
    with pytest.raises(immich.NotFoundError):
        await client.assets.download_asset(asset_id)
    with pytest.raises(immich.NotFoundError):
        await client.assets.download_asset_to_file(asset_id, tmp_path / "gone.jpg")
    assert _listing(tmp_path) == []  # (no partial file either)
    with pytest.raises(immich.BadRequestError):
        await client.assets.get_asset_info(asset_id)
    assert asset_id not in await _visible(client)
    assert asset_id not in await _trashed(client)
    result = await client.download(tmp_path / "dest", asset_ids=[asset_id])
    assert list(result.failed) == [asset_id]
    assert dict(result.downloaded) == {}
    found = await client.search.search_assets(album_ids=[album], size=1000)
    assert asset_id not in {a.id for a in found.assets.items}

    # The file is new to the server again.
    again = await client.upload(uploaded.corpus.root / rel, hash_cache=False)
    [(path, new_id)] = again.uploaded.items()
    assert path == uploaded.corpus.root / rel
    assert new_id != asset_id
    processed = await wait_processed(client, [new_id])
    assert processed[new_id].original_file_name == "Straße am Fluss.jpg"


async def test_force_delete_skips_the_trash(client: AsyncClient, uploaded: Uploaded) -> None:
    asset_id = uploaded.id("Screenshots/screen shot 1.png")
    await client.assets.delete_assets(ids=[asset_id], force=True)
    await _wait_gone(client, asset_id)
    assert asset_id not in await _trashed(client)
    stats = await client.assets.get_asset_statistics(is_trashed=True)
    assert stats.total == 0
    with pytest.raises(immich.NotFoundError):
        await client.assets.download_asset(asset_id)
