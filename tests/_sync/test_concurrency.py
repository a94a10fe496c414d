"""The concurrency helpers: tasks under a semaphore for AsyncClient, threads for Client."""

from __future__ import annotations

import threading

import pytest

from immich._transfer.concurrency import (
    StopFlag,
    map_concurrently,
    sleep,
    to_thread,
)


def test_results_keep_order_and_at_most_limit_run_at_once() -> None:
    lock = threading.Lock()
    running = 0
    peak = 0

    def work(number: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        sleep(0.02)
        with lock:
            running -= 1
        return number * 2

    assert map_concurrently(work, range(9), 3) == [n * 2 for n in range(9)]
    assert peak == 3


def test_blocking_work_runs_off_the_calling_thread() -> None:
    caller = threading.get_ident()

    def where(_: int) -> int:
        return to_thread(threading.get_ident)

    threads = map_concurrently(where, range(4), 2)
    assert caller not in threads


def test_the_first_error_stops_the_rest_and_sets_the_stop_flag() -> None:
    started: list[int] = []
    stop = StopFlag()

    def work(number: int) -> None:
        started.append(number)
        if number == 2:
            raise ValueError("boom")
        sleep(0.01)

    with pytest.raises(ValueError, match="boom"):
        map_concurrently(work, range(100), 2, stop=stop)
    assert len(started) < 10
    assert stop.is_set()


def test_nothing_to_do() -> None:
    def work(number: int) -> int:
        return number

    assert map_concurrently(work, [], 4) == []
