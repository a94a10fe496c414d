"""The few places where blocking and async code truly differ, one function of each kind.

Code in ``_async/`` calls the ``async_*`` names; unasync renames them to the plain
ones for ``_sync/``. (asyncio is imported where it is used: the blocking client never
needs it, and it takes 8 ms to import.)
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def async_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def default_concurrency() -> int:
    """Parallel transfers: enough to hide latency, few enough not to swamp a home server."""
    return min(8, 2 * (os.cpu_count() or 1))


class Stopped(BaseException):
    """Raised inside a worker when the run it belongs to was interrupted elsewhere.

    A ``BaseException``, like ``KeyboardInterrupt``: per-item ``except Exception``
    handlers must not record it as that item's failure.
    """


class StopFlag:
    """Set when a run is interrupted, so that work in flight on other threads ends early
    (a blocking upload cannot be cancelled from outside its thread)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Stopped


async def async_to_thread(fn: Callable[..., R], /, *args: object) -> R:
    """Run blocking ``fn`` (hashing, disk reads) on a worker thread."""
    import asyncio

    return await asyncio.to_thread(fn, *args)


def to_thread(fn: Callable[..., R], /, *args: object) -> R:
    # The blocking client already runs this on a pool thread (map_concurrently).
    return fn(*args)


async def async_map_concurrently(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    limit: int,
    *,
    stop: StopFlag | None = None,
) -> list[R]:
    """``[await fn(item) for item in items]``, at most ``limit`` at a time, results in order.

    The first exception (or a cancellation, e.g. Ctrl-C under ``asyncio.run``) cancels
    the rest, waits for them to unwind, sets ``stop`` and propagates.
    """
    import asyncio

    todo = list(enumerate(items))
    results: list[R | None] = [None] * len(todo)
    queue = iter(todo)

    halted = False

    async def worker() -> None:
        nonlocal halted
        # One shared iterator: a worker takes the next item when it is free, unless
        # another failed meanwhile (before the cancellation reaches it: a worker whose
        # calls never wait would otherwise run through the rest).
        for index, item in queue:
            if halted:
                return
            try:
                results[index] = await fn(item)
            except BaseException:
                halted = True
                raise

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(max(limit, 1), len(todo)))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        if stop is not None:
            stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results  # type: ignore[return-value]


def map_concurrently(
    fn: Callable[[T], R],
    items: Iterable[T],
    limit: int,
    *,
    stop: StopFlag | None = None,
) -> list[R]:
    """``[fn(item) for item in items]`` on up to ``limit`` threads, results in order.

    The first exception (or Ctrl-C in the calling thread) keeps the workers from taking
    new items, sets ``stop`` so that work in flight can end early, waits for the
    threads and propagates. (A thread whose start Ctrl-C interrupted is not waited for;
    it finds the run halted and ends at once.)
    """
    todo = list(enumerate(items))
    results: list[R | None] = [None] * len(todo)
    queue = iter(todo)
    lock = threading.Lock()
    halt = threading.Event()

    def worker() -> None:
        while not halt.is_set():
            with lock:
                taken = next(queue, None)
            if taken is None:
                return
            index, item = taken
            results[index] = fn(item)

    workers = min(max(limit, 1), len(todo))
    if workers == 0:
        return []
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="immich")
    try:
        # Inside the try: Ctrl-C may come while the first workers already run.
        futures = [pool.submit(worker) for _ in range(workers)]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            future.result()
        wait(futures)
        for future in futures:
            future.result()
    except BaseException:
        halt.set()
        if stop is not None:
            stop.set()
        raise
    finally:
        pool.shutdown(wait=True)
    return results  # type: ignore[return-value]
