"""Clients of this module's user; ``tests/e2e/_sync/conftest.py`` is generated from it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from immich import Client
from tests.e2e.server import Account, Server


@pytest.fixture
def client(server: Server, account: Account) -> Iterator[Client]:
    """A client of the module's user, by API key."""
    with Client(server.url, api_key=account.api_key) as c:
        yield c


@pytest.fixture
def admin(server: Server) -> Iterator[Client]:
    with Client(server.url, api_key=server.admin_key) as c:
        yield c


@pytest.fixture
def user2(server: Server) -> Iterator[Client]:
    """A client of the server's second user (shared by every test run: create, then
    clean up, only what a test owns)."""
    with Client(server.url, api_key=server.user2_key) as c:
        yield c


@pytest.fixture
def anonymous(server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """A client with no credentials at all (none from the environment either)."""
    monkeypatch.delenv("IMMICH_API_KEY", raising=False)
    monkeypatch.delenv("IMMICH_ACCESS_TOKEN", raising=False)
    with Client(server.url) as c:
        assert "auth='none'" in repr(c)
        yield c
