"""Shared by the examples: connect to IMMICH_URL, or start the built-in fake server.

With IMMICH_URL and IMMICH_API_KEY set, :func:`connect` returns a client for that server.
Without them it starts ``immich.testing.FakeImmich`` on loopback, lets the example seed
it with demo data, and says so, so every example runs on a machine without Immich.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from immich import Client
from immich.testing import FakeImmich, tiny_jpeg


def using_fake() -> bool:
    return not os.environ.get("IMMICH_URL")


@contextmanager
def connect(seed: Callable[[FakeImmich], None] | None = None) -> Iterator[Client]:
    """A client for IMMICH_URL, or for a fake server that ``seed`` fills first."""
    if not using_fake():
        with Client() as client:
            print(f"Using the Immich server at {client.base_url}")
            yield client
        return
    fake = FakeImmich()
    if seed is not None:
        seed(fake)
    with fake.serve() as url, Client(base_url=url, api_key=fake.api_key) as client:
        print(f"IMMICH_URL is not set: using the built-in fake server at {url}")
        yield client


def count(number: int, noun: str) -> str:
    """``count(1, "asset")`` is "1 asset", ``count(3, "asset")`` "3 assets"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def write_demo_photos(folder: Path, dates: list[datetime]) -> list[Path]:
    """Small JPEGs named after their dates, with those dates as modification times."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, taken in enumerate(dates, 1):
        path = folder / f"IMG_{taken:%Y%m%d}_{number:03}.jpg"
        path.write_bytes(tiny_jpeg(number))
        stamp = taken.timestamp()
        os.utime(path, (stamp, stamp))
        written.append(path)
    return written


def demo_dates(count: int = 6) -> list[datetime]:
    """``count`` dates spread over 2024, one every two months from January."""
    return [
        datetime(2024, 1 + 2 * (n % 6), 10 + n // 6, 12, 0, tzinfo=timezone.utc)
        for n in range(count)
    ]
