"""``AsyncClient`` under 50 concurrent calls on the real server.

Async only (``asyncio.gather`` has no blocking twin), so this module lives outside
``tests/e2e/_async`` and unasync does not mirror it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from immich import AsyncClient
from immich.models import AssetMediaSize
from tests.e2e.server import Account, Server, Uploaded


async def test_fifty_concurrent_mixed_gets(
    server: Server, account: Account, photos: list[Uploaded]
) -> None:
    async with AsyncClient(server.url, api_key=account.api_key) as client:
        album = await client.albums.create_album(
            album_name="E2E concurrent", asset_ids=[p.id for p in photos]
        )
        try:
            calls: list[tuple[Awaitable[Any], Callable[[Any], bool]]] = []
            for n in range(50):
                photo = photos[n % len(photos)]
                kind = n % 7
                if kind == 0:
                    calls.append((client.users.get_my_user(), lambda r: r.id == account.id))
                elif kind == 1:
                    calls.append(
                        (
                            client.assets.get_asset_info(photo.id),
                            lambda r, p=photo: (r.id, r.original_file_name) == (p.id, p.name),
                        )
                    )
                elif kind == 2:
                    calls.append(
                        (
                            client.albums.get_album_info(album.id),
                            lambda r: (r.id, r.asset_count) == (album.id, 3),
                        )
                    )
                elif kind == 3:
                    calls.append(
                        (
                            client.server.get_server_version(),
                            lambda r: (r.major, r.minor, r.patch) == server.version,
                        )
                    )
                elif kind == 4:
                    calls.append(
                        (
                            client.assets.download_asset(photo.id),
                            lambda r, p=photo: r == p.content,
                        )
                    )
                elif kind == 5:
                    calls.append(
                        (
                            client.assets.view_asset(photo.id, size=AssetMediaSize.THUMBNAIL),
                            lambda r: r[:4] == b"RIFF" or r[:3] == b"\xff\xd8\xff",
                        )
                    )
                else:
                    calls.append(
                        (
                            client.albums.get_all_albums(),
                            lambda r: [a.id for a in r] == [album.id],
                        )
                    )
            results = await asyncio.gather(*(call for call, _ in calls))
        finally:
            await client.albums.delete_album(album.id)
    assert len(results) == 50
    wrong = [
        (n, type(result).__name__)
        for n, ((_, check), result) in enumerate(zip(calls, results, strict=True))
        if not check(result)
    ]
    assert wrong == []
