"""Clients of this module's user; ``tests/e2e/_sync/conftest.py`` is generated from it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from immich import AsyncClient
from tests.e2e._async.uploads import Uploaded, upload_corpus
from tests.e2e.server import Account, Server


@pytest.fixture(autouse=True)
def _private_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Bulk transfers cache hashes in the user's cache folder by default: not the real one
    # (and not in the test's tmp_path, which tests download into).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
async def client(server: Server, account: Account) -> AsyncIterator[AsyncClient]:
    """A client of the module's user, by API key."""
    async with AsyncClient(server.url, api_key=account.api_key) as c:
        yield c


@pytest.fixture
async def admin(server: Server) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(server.url, api_key=server.admin_key) as c:
        yield c


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def uploaded(
    server: Server, account: Account, tmp_path_factory: pytest.TempPathFactory
) -> Uploaded:
    """The corpus, uploaded once per module by its user (an album per folder), and
    processed by the server."""
    return await upload_corpus(server, account, tmp_path_factory.mktemp("uploaded"))


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
