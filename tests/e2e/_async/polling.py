"""Waiting for the server's background work, with the client under test.

``tests/e2e/server.py``'s ``wait_until`` polls with the blocking client; this one awaits
an async check (its ``_sync`` twin, generated, a blocking one).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from immich._transfer.concurrency import async_sleep

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    what: str,
    timeout: float = 60,
    interval: float = 0.25,
) -> T:
    """Await ``check`` until it returns something other than None or False."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await async_sleep(interval)
