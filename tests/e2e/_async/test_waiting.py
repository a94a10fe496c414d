"""``client.wait`` on the real server: the processing of the module user's assets, queues,
one-off jobs and a queue run, library scans (for their owner and for another admin).

The server is shared: waits are on this module's own assets, library and jobs where the
SDK can tell them apart; the one queue paused here (``backupDatabase``) is resumed in a
``finally``, and the backups made are deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import immich
from immich import AsyncClient, WaitProgress
from tests.e2e.corpus import jpeg
from tests.e2e.server import Account, Server, create_account, delete_account

TAKEN = datetime.datetime(2019, 7, 14, 9, 30, 0)


@pytest.fixture
async def owner(server: Server) -> AsyncIterator[tuple[Account, AsyncClient]]:
    """An admin of this test's own: libraries need an admin, and only a library's owner
    can count what its scan removed."""
    account = create_account(server, "waiting-owner", is_admin=True)
    try:
        async with AsyncClient(server.url, api_key=account.api_key) as client:
            yield account, client
    finally:
        delete_account(server, account)


async def test_for_assets_then_dates_and_exif_are_final(
    client: AsyncClient, tmp_path: Path
) -> None:
    paths = []
    for n in range(4):
        path = tmp_path / f"wait-{n}.jpg"
        jpeg(path, seed=8100 + n, taken=TAKEN + datetime.timedelta(minutes=n))
        paths.append(path)
    uploaded = await client.upload(paths, hash_cache=False)
    ids = [uploaded.uploaded[p] for p in paths]
    seen: list[WaitProgress] = []

    result = await client.wait.for_assets(ids, timeout=120, progress=seen.append)

    assert result.ok, result.unfinished
    assert list(result.assets) == ids
    for n, asset_id in enumerate(ids):
        asset = result.assets[asset_id]
        assert asset.thumbhash
        assert asset.exif_info.make == "E2E Camera"
        expected = (TAKEN + datetime.timedelta(minutes=n)).replace(tzinfo=datetime.timezone.utc)
        assert asset.local_date_time == expected
    assert seen[-1].done == 4
    assert seen[-1].pending == 0

    # Once processed, looking again is one look.
    again = await client.wait.for_assets(ids, timeout=30)
    assert again.elapsed < 5


async def test_for_assets_reports_what_is_not_there(client: AsyncClient) -> None:
    missing = "6b3a0f04-5f45-4a5b-9f7c-5a0a1f0b7a11"
    result = await client.wait.for_assets([missing], timeout=30)
    assert "not found" in result.unfinished[missing]


async def test_queues_are_an_admins_business(client: AsyncClient) -> None:
    with pytest.raises(immich.PermissionDeniedError):
        await client.wait.for_queues("library", timeout=30)


async def _backups(admin: AsyncClient) -> set[str]:
    return {b.filename for b in (await admin.backups.list_database_backups()).backups}


async def test_a_paused_queue_is_refused_then_waited_for(admin: AsyncClient) -> None:
    queue = "backupDatabase"
    before = await _backups(admin)
    await admin.queues.update_queue(queue, is_paused=True)
    try:
        await admin.jobs.create_job(name="backup-database")
        with pytest.raises(immich.QueuePausedError) as caught:
            await admin.wait.for_queues(queue, timeout=60)
        assert caught.value.queue == queue
        assert caught.value.jobs >= 1
    finally:
        await admin.queues.update_queue(queue, is_paused=False)
    made: set[str] = set()
    try:
        (state,) = await admin.wait.for_queues("backup-database", timeout=180)
        assert state.is_paused is False
        made = await _backups(admin) - before
        assert len(made) == 1
    finally:
        if made:
            await admin.backups.delete_database_backup(backups=sorted(made))


async def test_run_a_one_off_job_and_a_queue(admin: AsyncClient) -> None:
    cleanup = await admin.wait.run_job("tag-cleanup", timeout=180)
    assert cleanup.name == "tag-cleanup"
    assert cleanup.queue.value == "backgroundTask"

    before = await _backups(admin)
    made: set[str] = set()
    try:
        run = await admin.wait.run_job("backupDatabase", timeout=180)  # the queue, started
        assert run.name == "backupDatabase"
        assert run.state.statistics.active == 0
        made = await _backups(admin) - before
        assert len(made) == 1
    finally:
        if made:
            await admin.backups.delete_database_backup(backups=sorted(made))


async def test_a_job_2x_lacks_runs_on_3x_and_is_refused_by_2x_before_anything_is_sent(
    admin: AsyncClient, server: Server
) -> None:
    if server.version < (3, 0, 0):
        with pytest.raises(immich.UnsupportedByServerError, match=r"3\.0 or newer"):
            await admin.wait.run_job("integrity-missing-files", timeout=30)
        return
    run = await admin.wait.run_job("integrity-missing-files", timeout=300)
    assert run.name == "integrity-missing-files"
    assert run.state.statistics.active == 0


def _nas(folder: Path, names: list[str], seed: int) -> None:
    for n, name in enumerate(names):
        jpeg(folder / name, seed=seed + n)


async def test_scan_library_for_its_owner(
    owner: tuple[Account, AsyncClient], tmp_path: Path
) -> None:
    account, client = owner
    folder = tmp_path / "nas"
    _nas(folder, ["a.jpg", "b.jpg", "sub/c.jpg"], seed=8200)
    library = await client.libraries.create_library(
        owner_id=account.id, name="E2E waiting NAS", import_paths=[str(folder)]
    )
    try:
        seen: list[WaitProgress] = []
        first = await client.wait.scan_library("E2E waiting NAS", timeout=180, progress=seen.append)
        assert (first.added, first.removed, first.unchanged) == (3, 0, 0)
        assert first.statistics.photos == 3
        assert first.library.refreshed_at is not None
        assert seen[0].what == "library"

        (folder / "a.jpg").unlink()
        _nas(folder, ["d.jpg", "e.jpg"], seed=8210)
        second = await client.wait.scan_library(library.id, timeout=180)
        assert (second.added, second.removed, second.unchanged) == (2, 1, 2)
        assert second.statistics.total == 5  # the missing file's asset waits in the trash
        offline = await client.search.search_assets(library_id=library.id, is_offline=True)
        assert [a.original_file_name for a in offline.assets.items] == ["a.jpg"]
        assert second.restored == 0

        _nas(folder, ["a.jpg"], seed=8200)  # the missing file is back
        third = await client.wait.scan_library(library.id, timeout=180)
        assert (third.added, third.removed, third.restored, third.unchanged) == (0, 0, 1, 4)
        assert third.statistics.total == 5
    finally:
        await client.libraries.delete_library(library.id)


async def test_scan_library_of_another_user(
    admin: AsyncClient, account: Account, tmp_path: Path
) -> None:
    folder = tmp_path / "theirs"
    _nas(folder, ["x.jpg", "y.jpg"], seed=8300)
    library = await admin.libraries.create_library(
        owner_id=account.id, name="E2E theirs", import_paths=[str(folder)]
    )
    try:
        result = await admin.wait.scan_library(library.id, timeout=180)
        assert result.added == 2
        assert result.removed is None
        assert result.unchanged is None
    finally:
        await admin.libraries.delete_library(library.id)
