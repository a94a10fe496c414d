"""Idempotent calls through injected faults on loopback: how many succeed, at what cost.

    .venv/bin/python benchmarks/faults.py            # N=500 calls per row, 20 % faults
    .venv/bin/python benchmarks/faults.py --calls 2000 --rate 0.3 --seed 7

Each row sends N calls (``server.get_server_version``, ``assets.get_asset_info`` and the
read-only POST ``search.search_assets`` in turn) through ``tests.faults.injector.FaultProxy``,
a proxy on 127.0.0.1 in front of ``FakeImmich.serve()`` that gives a seeded share of
requests one fault drawn from ``RETRYABLE_FAULTS``: a reset before the server sees the
request, a close after it handled it, a reset or a close half-way through the body, a
stall past the read timeout, or a 502/503/429 with or without ``Retry-After``
(seconds or HTTP date). The first two rows are the same calls without faults. Both
clients go through their default transports (``Client`` over httpx's own, ``AsyncClient``
over aiohttp).

So that a run takes seconds, not minutes, the retry backoff is scaled down 50 times
(0.01 s doubling to at most 0.16 s, instead of 0.5 s to 8 s), ``Retry-After`` asks for
0 s, the read timeout is 0.2 s and a stall lasts 0.5 s. Latencies are per call, retries
and pauses included. "retries" counts the client's own retries (its log); the async
transport also repeats an idempotent request once by itself when a reused connection turns out closed,
which shows as requests beyond calls + retries.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

import immich._core.retries  # noqa: E402
from immich import AsyncClient, Client, ImmichError  # noqa: E402
from immich.testing import FakeImmich  # noqa: E402
from tests.faults.injector import RETRYABLE_FAULTS, FaultPlan, FaultProxy  # noqa: E402

BACKOFF_SCALE = 50
READ_TIMEOUT = 0.2
STALL = 0.5


@dataclass
class Row:
    label: str
    calls: int
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    requests: int = 0
    injected: int = 0
    seconds: float = 0.0


class RetryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.INFO and ": retry " in record.getMessage():
            self.count += 1


@contextmanager
def counting_retries() -> Iterator[RetryCounter]:
    logger = logging.getLogger("immich")
    handler = RetryCounter()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_sync(url: str, api_key: str, asset_id: str, calls: int, retries: int, row: Row) -> None:
    with Client(
        url,
        api_key=api_key,
        max_retries=retries,
        timeout=httpx.Timeout(10.0, read=READ_TIMEOUT),
        check_server_version=False,
    ) as client:
        work: list[Callable[[], Any]] = [
            client.server.get_server_version,
            lambda: client.assets.get_asset_info(asset_id),
            lambda: client.search.search_assets(original_file_name="IMG_0001"),
        ]
        for index in range(calls):
            started = time.perf_counter()
            try:
                work[index % len(work)]()
                row.ok += 1
            except ImmichError as exc:
                row.errors[type(exc).__name__] += 1
            row.latencies.append(time.perf_counter() - started)


async def run_async(
    url: str, api_key: str, asset_id: str, calls: int, retries: int, row: Row
) -> None:
    async with AsyncClient(
        url,
        api_key=api_key,
        max_retries=retries,
        timeout=httpx.Timeout(10.0, read=READ_TIMEOUT),
        check_server_version=False,
    ) as client:
        work: list[Callable[[], Awaitable[Any]]] = [
            client.server.get_server_version,
            lambda: client.assets.get_asset_info(asset_id),
            lambda: client.search.search_assets(original_file_name="IMG_0001"),
        ]
        for index in range(calls):
            started = time.perf_counter()
            try:
                await work[index % len(work)]()
                row.ok += 1
            except ImmichError as exc:
                row.errors[type(exc).__name__] += 1
            row.latencies.append(time.perf_counter() - started)


def measure(kind: str, retries: int, rate: float, args: argparse.Namespace) -> Row:
    fake = FakeImmich()
    asset_id = fake.add_asset(b"\xff\xd8\xff\xe0" + bytes(4096), filename="IMG_0001.jpg")
    plan = FaultPlan(rate=rate, seed=args.seed, faults=RETRYABLE_FAULTS, stall=STALL, retry_after=0)
    label = f"{kind}, max_retries={retries}" if rate else f"{kind}, no faults"
    row = Row(label, args.calls)
    with fake.serve() as upstream, FaultProxy(upstream, plan) as url, counting_retries() as log:
        started = time.perf_counter()
        if kind == "Client":
            run_sync(url, fake.api_key, asset_id, args.calls, retries, row)
        else:
            asyncio.run(run_async(url, fake.api_key, asset_id, args.calls, retries, row))
        row.seconds = time.perf_counter() - started
    row.retries = log.count
    row.requests = plan.requests
    row.injected = len(plan.injected)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per row (default 500)")
    parser.add_argument("--rate", type=float, default=0.2, help="share of faulted requests")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--retries", type=int, nargs="+", default=[2, 5], help="max_retries")
    args = parser.parse_args(argv)

    immich._core.retries.INITIAL_DELAY /= BACKOFF_SCALE
    immich._core.retries.MAX_DELAY /= BACKOFF_SCALE

    print(
        f"{args.calls} idempotent calls per row through {args.rate:.0%} injected faults on "
        f"loopback (seed {args.seed}); backoff 1/{BACKOFF_SCALE}, Retry-After 0 s, "
        f"read timeout {READ_TIMEOUT} s, stalls {STALL} s\n"
    )
    header = (
        f"{'client':<27} {'success':>8} {'retries':>8} {'requests':>9} {'faults':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'run s':>6}  failures"
    )
    print(header)
    print("-" * len(header))
    total = time.perf_counter()
    rows = [(0.0, 2)] + [(args.rate, retries) for retries in args.retries]
    for rate, retries in rows:
        for kind in ("Client", "AsyncClient"):
            row = measure(kind, retries, rate, args)
            ms = [latency * 1000 for latency in row.latencies]
            failures = ", ".join(f"{n} {name}" for name, n in row.errors.most_common()) or "-"
            print(
                f"{row.label:<27} {row.ok / row.calls:>8.1%} {row.retries:>8} "
                f"{row.requests:>9} {row.injected:>7} {statistics.median(ms):>7.1f} "
                f"{percentile(ms, 0.95):>7.1f} {percentile(ms, 0.99):>7.1f} "
                f"{row.seconds:>6.1f}  {failures}"
            )
    print(f"\ntotal {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
