"""Fixtures of the client tests; ``tests/_sync/conftest.py`` is generated from this file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from immich import AsyncClient
from tests.helpers import BASE_URL, FakeServer

Connect = Callable[..., AsyncClient]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """``connect(server, base_url=BASE_URL, **options)``: a client sending to ``server``.

    ``server`` is a FakeServer, another transport, or None for the client's default
    transport. Every client made is closed when the test ends, so tests need no
    ``with`` block.
    """
    clients: list[AsyncClient] = []

    def connect(server: Any, base_url: Any = BASE_URL, **options: Any) -> AsyncClient:
        if server is not None:
            options["transport"] = server.transport if isinstance(server, FakeServer) else server
        client = AsyncClient(base_url, **options)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        await client.aclose()
