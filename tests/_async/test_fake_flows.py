"""The SDK and FakeImmich together, through a realistic session.

Sign in with a key, upload 50 JPEGs, re-upload one (a duplicate), find one by checksum,
make an album and add assets, download an original and an archive, trash and restore.
Runs in-process (the fake's httpx transport) and over a real loopback socket.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from immich import UNSET, AsyncClient, AuthenticationError
from immich.models import AssetMediaStatus, BulkIdErrorReason
from immich.testing import FakeImmich
from tests.testing._media import make_jpegs

TAKEN = datetime.datetime(2024, 7, 1, 12, 0, tzinfo=datetime.timezone.utc)
PHOTOS = make_jpegs(50)


@pytest.fixture(params=["in-process", "loopback"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[AsyncClient]:
    fake = FakeImmich()
    if request.param == "in-process":
        async with AsyncClient(
            "http://localhost:2283", api_key=fake.api_key, transport=fake.async_transport()
        ) as client:
            yield client
    else:
        with fake.serve() as url:
            client = AsyncClient(url, api_key=fake.api_key)
            try:
                yield client
            finally:
                await client.aclose()


async def upload_all(client: AsyncClient) -> list[str]:
    ids = []
    for index, data in enumerate(PHOTOS):
        result = await client.assets.upload_asset(
            asset_data=(f"IMG_{index:04d}.jpg", data),
            file_created_at=TAKEN + datetime.timedelta(minutes=index),
            file_modified_at=TAKEN,
            x_immich_checksum=hashlib.sha1(data).hexdigest(),
        )
        assert result.status is AssetMediaStatus.CREATED
        ids.append(result.id)
    return ids


async def test_sign_in_with_a_key(client: AsyncClient) -> None:
    me = await client.users.get_my_user()
    assert me.email == "admin@example.com"
    wrong = AsyncClient(client.base_url, api_key="not-the-key", http_client=client.http_client)
    with pytest.raises(AuthenticationError):
        await wrong.users.get_my_user()


async def test_upload_duplicate_and_find_by_checksum(client: AsyncClient) -> None:
    ids = await upload_all(client)
    assert len(set(ids)) == 50

    again = await client.with_response(
        client.assets.upload_asset,
        asset_data=("again.jpg", PHOTOS[7]),
        file_created_at=TAKEN,
        file_modified_at=TAKEN,
    )
    assert again.status_code == 200
    assert again.parsed.status is AssetMediaStatus.DUPLICATE
    assert again.parsed.id == ids[7]

    checksum = base64.b64encode(hashlib.sha1(PHOTOS[7]).digest()).decode()
    found = await client.search.search_assets(checksum=checksum)
    assert [asset.id for asset in found.assets.items] == [ids[7]]

    everything = [asset.id async for asset in client.search.iter_assets(size=20)]
    assert sorted(everything) == sorted(ids)


async def test_album_membership(client: AsyncClient) -> None:
    ids = await upload_all(client)
    album = await client.albums.create_album(album_name="Summer", asset_ids=ids[:5])
    assert album.asset_count == 5

    unknown = str(uuid.uuid4())
    results = await client.albums.add_assets_to_album(album.id, ids=[ids[4], ids[5], unknown])
    outcome = {r.id: (r.success, r.error) for r in results}
    assert outcome[ids[5]] == (True, UNSET)  # the server leaves "error" out on success
    assert outcome[ids[4]] == (False, BulkIdErrorReason.DUPLICATE)
    # An id it cannot see, as Immich 3 answers it: "no permission", not "not found".
    assert outcome[unknown] == (False, BulkIdErrorReason.NO_PERMISSION)
    assert (await client.albums.get_album_info(album.id)).asset_count == 6
    names = [a.album_name for a in await client.albums.get_all_albums()]
    assert names == ["Summer"]


async def test_download_original_and_archive(client: AsyncClient, tmp_path: Path) -> None:
    ids = await upload_all(client)
    assert await client.assets.download_asset(ids[3]) == PHOTOS[3]
    target = await client.assets.download_asset_to_file(ids[4], tmp_path / "four.jpg")
    assert target.read_bytes() == PHOTOS[4]

    info = await client.download.get_download_info(asset_ids=ids[:3])
    assert info.total_size == sum(len(p) for p in PHOTOS[:3])
    (archive,) = info.archives
    zipped = await client.download.download_archive(asset_ids=archive.asset_ids)
    with zipfile.ZipFile(io.BytesIO(zipped)) as opened:
        contents = sorted(opened.read(name) for name in opened.namelist())
    assert contents == sorted(PHOTOS[:3])


async def test_trash_and_restore(client: AsyncClient) -> None:
    ids = await upload_all(client)
    await client.assets.delete_assets(ids=ids[:2])
    assert (await client.assets.get_asset_info(ids[0])).is_trashed is True
    visible = await client.search.search_assets(size=100)
    assert len(visible.assets.items) == 48

    await client.trash.restore_assets(ids=[ids[0]])
    assert (await client.assets.get_asset_info(ids[0])).is_trashed is False
    assert (await client.assets.get_asset_info(ids[1])).is_trashed is True
