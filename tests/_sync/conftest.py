"""Fixtures of the client tests; ``tests/_sync/conftest.py`` is generated from this file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from immich import Client
from tests.helpers import BASE_URL, FakeServer

Connect = Callable[..., Client]


@pytest.fixture
def connect() -> Iterator[Connect]:
    """``connect(server, base_url=BASE_URL, **options)``: a client sending to ``server``.

    ``server`` is a FakeServer, another transport, or None for the client's default
    transport. Every client made is closed when the test ends, so tests need no
    ``with`` block.
    """
    clients: list[Client] = []

    def connect(server: Any, base_url: Any = BASE_URL, **options: Any) -> Client:
        if server is not None:
            options["transport"] = server.transport if isinstance(server, FakeServer) else server
        client = Client(base_url, **options)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()
