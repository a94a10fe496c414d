from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.spec_location import load_spec


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    return load_spec()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries wait for nothing; the list records every delay either client asked for.

    The clients import their sleep helper by name, so it is patched where it is used.
    """
    delays: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("immich._async._sender.async_sleep", fake_async_sleep)
    monkeypatch.setattr("immich._sync._sender.sleep", fake_sleep)
    return delays


@pytest.fixture
def refused_url() -> Iterator[str]:
    """The URL of a local port that refuses connections at once.

    The socket is bound, so nothing else can take the port, but never listens.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
