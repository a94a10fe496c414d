"""Clients of this module's user; ``tests/e2e/_sync/conftest.py`` is generated from it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from immich import AsyncClient
from tests.e2e.server import Account, Server


@pytest.fixture
async def client(server: Server, account: Account) -> AsyncIterator[AsyncClient]:
    """A client of the module's user, by API key."""
    async with AsyncClient(server.url, api_key=account.api_key) as c:
        yield c


@pytest.fixture
async def admin(server: Server) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(server.url, api_key=server.admin_key) as c:
        yield c


@pytest.fixture
async def user2(server: Server) -> AsyncIterator[AsyncClient]:
    """A client of the server's second user (shared by every test run: create, then
    clean up, only what a test owns)."""
    async with AsyncClient(server.url, api_key=server.user2_key) as c:
        yield c


@pytest.fixture
async def anonymous(server: Server, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncClient]:
    """A client with no credentials at all (none from the environment either)."""
    monkeypatch.delenv("IMMICH_API_KEY", raising=False)
    monkeypatch.delenv("IMMICH_ACCESS_TOKEN", raising=False)
    async with AsyncClient(server.url) as c:
        assert "auth='none'" in repr(c)
        yield c
