"""``search.iter_assets`` yields no asset twice, and every asset that stays put while it
runs, even when the order the server pages by changes under it.

The server orders a metadata search by ``fileCreatedAt`` alone and pages by offset. Two
things move assets in that order: processing (reading a photo's EXIF date replaces the
file time the upload gave), and nothing at all when several assets share one time (a
burst of photos taken in the same second: the database may order equals differently
from one page's query to the next). An asset whose own date changes during a pass may be
missed by it (the iterator's docstring says so); no other may.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from pathlib import Path

from immich import AsyncClient
from immich.models import AssetResponseDto
from tests.e2e._async.uploads import wait_processed
from tests.e2e.corpus import jpeg

UTC = datetime.timezone.utc
#: Enough photos that the server is still reading them when the upload returns.
PHOTOS = 80
PAGE = 4
#: Photos taken in one second: enough that the order of equals differs between pages.
BURST = 60
#: File times: all before any EXIF date, and in the opposite order.
FILE_TIMES = datetime.datetime(2001, 1, 1, tzinfo=UTC)
EXIF_TIMES = datetime.datetime(2015, 1, 1, tzinfo=UTC)


async def _one_page(client: AsyncClient, **filters: object) -> dict[str, AssetResponseDto]:
    """The assets in a single query (a consistent answer)."""
    answer = await client.search.search_assets(size=1000, **filters)  # type: ignore[arg-type]
    assert answer.assets.next_page is None
    return {a.id: a for a in answer.assets.items}


async def _iteration_errors(
    client: AsyncClient, expected: dict[str, AssetResponseDto], page: int = PAGE, **filters: object
) -> list[str]:
    got = [a.id async for a in client.search.iter_assets(size=page, **filters)]  # type: ignore[arg-type]
    names = {i: a.original_file_name for i, a in expected.items()}
    repeated = sorted(names.get(i, i) for i, n in Counter(got).items() if n > 1)
    missing = sorted(names[i] for i in set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    if not (repeated or missing or extra):
        return []
    return [
        f"pages of {page}, {len(got)} yielded: repeated {repeated}, missing {missing}, unknown {extra}"
    ]


async def _iteration_errors_while(
    client: AsyncClient, before: dict[str, AssetResponseDto]
) -> list[str]:
    """A pass's errors, the assets whose date changed during it (by the snapshots before
    and after) allowed to be missing."""
    # (The pass runs first; the moving ones are known once it has ended.)
    got = [a.id async for a in client.search.iter_assets(size=PAGE)]
    after = await _one_page(client)
    moving = {i for i, a in before.items() if after[i].file_created_at != a.file_created_at}
    names = {i: a.original_file_name for i, a in before.items()}
    repeated = sorted(names.get(i, i) for i, n in Counter(got).items() if n > 1)
    missing = sorted(names[i] for i in set(before) - set(got) - moving)
    extra = sorted(set(got) - set(before))
    if not (repeated or missing or extra):
        return []
    return [
        f"pages of {PAGE}, {len(got)} yielded ({len(moving)} moved): repeated {repeated}, "
        f"missing {missing}, unknown {extra}"
    ]


async def test_iter_assets_while_the_server_processes(client: AsyncClient, tmp_path: Path) -> None:
    for number in range(PHOTOS):
        path = tmp_path / f"photo_{number:03d}.jpg"
        jpeg(path, seed=70_000 + number, taken=EXIF_TIMES + datetime.timedelta(hours=number))
        file_time = (FILE_TIMES - datetime.timedelta(hours=number)).timestamp()
        os.utime(path, (file_time, file_time))
    result = await client.upload(tmp_path, hash_cache=False)
    assert len(result.uploaded) == PHOTOS
    ids = set(result.uploaded.values())

    # Iterate again and again until the server has read every date; each pass must
    # yield no asset twice and every asset whose date stayed as it was during the pass.
    # Only passes that began before the end count.
    passes_while_processing = 0
    errors = []
    while True:
        assets = await _one_page(client)
        assert set(assets) == ids
        pending = sum(1 for a in assets.values() if a.file_created_at < EXIF_TIMES)
        if not pending:
            break
        passes_while_processing += 1
        found = await _iteration_errors_while(client, assets)
        errors += [f"pass {passes_while_processing} ({pending} unread): {e}" for e in found]
    assert passes_while_processing > 0, (
        f"the server read all {PHOTOS} photos before a pass began: use more photos"
    )
    assert errors == [], "\n".join(errors)
    await wait_processed(client, ids)
    assert await _iteration_errors(client, await _one_page(client)) == []


async def test_iter_assets_over_a_burst_of_equal_times(client: AsyncClient, tmp_path: Path) -> None:
    burst = datetime.datetime(2022, 5, 5, 10, 0, tzinfo=UTC)
    for number in range(BURST):
        jpeg(tmp_path / f"burst_{number:03d}.jpg", seed=80_000 + number, taken=burst)
    result = await client.upload(tmp_path, hash_cache=False)
    assert len(result.uploaded) == BURST
    await wait_processed(client, result.uploaded.values())
    # These only (the module's other test left its photos).
    expected = await _one_page(client, taken_after=burst, taken_before=burst)
    assert set(expected) == set(result.uploaded.values())
    errors = []
    for page in (2, 3, 4, 7):
        errors += await _iteration_errors(
            client, expected, page, taken_after=burst, taken_before=burst
        )
    assert errors == [], "\n".join(errors)
