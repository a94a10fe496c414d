"""``async_map_concurrently`` where the threaded twin cannot be pinned down exactly:
workers whose calls never wait (an in-memory transport) still stop at a failure."""

from __future__ import annotations

import pytest

from immich._transfer.concurrency import async_map_concurrently


async def test_after_a_failure_no_worker_takes_another_item() -> None:
    started: list[int] = []

    async def work(number: int) -> int:  # never waits: nothing else runs in between
        started.append(number)
        if number == 3:
            raise ValueError("item 3")
        return number

    with pytest.raises(ValueError, match="item 3"):
        await async_map_concurrently(work, range(12), 3)
    assert started == [0, 1, 2, 3]
