"""Cancelling an AsyncClient upload (what Ctrl-C does under ``asyncio.run``): asyncio only."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from immich import AsyncClient
from immich._async.upload import upload
from immich.testing import FakeImmich
from tests._async.recording import Recorder
from tests.helpers import BASE_URL
from tests.testing._media import make_jpeg


async def test_a_cancelled_upload_commits_its_cache_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "photos"
    folder.mkdir()
    files = []
    for index in range(8):
        path = folder / f"{index}.jpg"
        path.write_bytes(make_jpeg(index))
        files.append(path)
    cache = tmp_path / "hashes.sqlite3"
    fake = FakeImmich()
    seen = 0
    task: asyncio.Task[object] | None = None

    def cancel_on_third_upload(request: httpx.Request) -> httpx.Response | None:
        nonlocal seen
        if request.method == "POST" and request.url.path == "/api/assets":
            seen += 1
            if seen == 3 and task is not None:
                task.cancel()
        return None

    transport = Recorder(fake.async_transport(), hook=cancel_on_third_upload)
    async with AsyncClient(BASE_URL, api_key=fake.api_key, transport=transport) as client:
        task = asyncio.ensure_future(
            upload(client, folder, concurrency=2, delete_uploaded=True, hash_cache=cache)
        )
        with pytest.raises(asyncio.CancelledError):
            await task

    uploaded = len(fake.asset_ids())
    assert 2 <= uploaded < 8
    # Deleted: only files the server confirmed. Hashes: all of them, committed.
    assert sum(not f.exists() for f in files) <= uploaded
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM sha1").fetchone()[0] == 8

    async with AsyncClient(
        BASE_URL, api_key=fake.api_key, transport=fake.async_transport()
    ) as client:
        result = await upload(client, folder, hash_cache=cache)
    assert result.ok
    assert len(fake.asset_ids()) == 8
