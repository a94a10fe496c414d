"""Zip archives: ``assets.download_archive`` / ``download.archive`` write the server's
archives to files, and the ``download`` group's endpoints give them as bytes, a stream or
a file. Each archive holds the originals, byte for byte."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from immich import AsyncClient
from tests.e2e._async.uploads import Uploaded, sha1

PARIS = ["Paris/été 2019 — café.jpg", "Paris/日本語の名前.jpg"]
BERLIN = [
    "Berlin 2021/IMG_0001.jpg",
    "Berlin 2021/IMG_0002.jpg",
    "Berlin 2021/IMG_0003.jpg",
    "Berlin 2021/Straße am Fluss.jpg",
]


def _entries(archive: Path | bytes) -> dict[str, str]:
    """Entry name -> SHA-1 of its content."""
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    with zipfile.ZipFile(source) as opened:
        assert opened.testzip() is None
        names = opened.namelist()
        assert len(names) == len(set(names))
        return {name: sha1(opened.read(name)) for name in names}


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _expected(uploaded: Uploaded, files: list[str]) -> dict[str, str]:
    """What an archive of these files holds: each under the asset's name."""
    return {
        uploaded.assets[uploaded.id(rel)].original_file_name: sha1(uploaded.local(rel))
        for rel in files
    }


async def test_an_album_as_a_zip(client: AsyncClient, uploaded: Uploaded, tmp_path: Path) -> None:
    paths = await client.assets.download_archive(tmp_path, album="Paris")
    assert paths == [tmp_path / "Paris.zip"]
    assert _entries(paths[0]) == _expected(uploaded, PARIS)
    # Another archive of the same name is written beside, never over, the first.
    again = await client.download.archive(tmp_path, album="Paris")
    assert again == [tmp_path / "Paris (2).zip"]
    assert _entries(again[0]) == _expected(uploaded, PARIS)
    assert _listing(tmp_path) == ["Paris (2).zip", "Paris.zip"]


async def test_a_live_photo_brings_its_video(
    client: AsyncClient, uploaded: Uploaded, tmp_path: Path
) -> None:
    [path] = await client.download.archive(tmp_path, album="Live")
    assert _entries(path) == _expected(uploaded, list(uploaded.corpus.live_photo))


async def test_several_archives_when_a_size_is_set(
    client: AsyncClient, uploaded: Uploaded, tmp_path: Path
) -> None:
    ids = [uploaded.id(rel) for rel in BERLIN]
    # Each archive closes once it passes the size: one file each here.
    paths = await client.download.archive(tmp_path, asset_ids=ids, archive_size=1)
    assert paths == [tmp_path / f"immich-{n}.zip" for n in range(1, len(BERLIN) + 1)]
    together: dict[str, str] = {}
    for path in paths:
        entries = _entries(path)
        assert len(entries) == 1
        together.update(entries)
    assert together == _expected(uploaded, BERLIN)


async def test_the_whole_library(client: AsyncClient, uploaded: Uploaded, tmp_path: Path) -> None:
    [path] = await client.assets.download_archive(tmp_path)
    assert path == tmp_path / "immich.zip"
    distinct = {uploaded.id(rel): rel for rel in uploaded.corpus.uploadable}
    assert _entries(path) == _expected(uploaded, list(distinct.values()))


async def test_the_download_endpoints(
    client: AsyncClient, uploaded: Uploaded, tmp_path: Path
) -> None:
    album = uploaded.result.albums["Berlin 2021"]
    info = await client.download.get_download_info(album_id=album)
    sizes = sum(len(uploaded.local(rel)) for rel in BERLIN)
    assert info.total_size == sizes
    [archive] = info.archives
    assert sorted(archive.asset_ids) == sorted(uploaded.id(rel) for rel in BERLIN)
    assert archive.size == sizes
    expected = _expected(uploaded, BERLIN)

    data = await client.download.download_archive(asset_ids=archive.asset_ids)
    assert _entries(data) == expected
    async with client.download.download_archive_stream(asset_ids=archive.asset_ids) as body:
        streamed = b"".join([chunk async for chunk in body.aiter_bytes()])
    assert _entries(streamed) == expected
    path = await client.download.download_archive_to_file(
        tmp_path / "berlin.zip", asset_ids=archive.asset_ids
    )
    assert path == tmp_path / "berlin.zip"
    assert _entries(path) == expected
