"""Clients of this module's user; ``tests/e2e/_sync/conftest.py`` is generated from it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_asyncio

from immich import Client
from tests.e2e._sync.uploads import Uploaded, upload_corpus
from tests.e2e.server import Account, Server


@pytest.fixture(autouse=True)
def _private_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Bulk transfers cache hashes in the user's cache folder by default: not the real one
    # (and not in the test's tmp_path, which tests download into).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def client(server: Server, account: Account) -> Iterator[Client]:
    """A client of the module's user, by API key."""
    with Client(server.url, api_key=account.api_key) as c:
        yield c


@pytest.fixture
def admin(server: Server) -> Iterator[Client]:
    with Client(server.url, api_key=server.admin_key) as c:
        yield c


@pytest_asyncio.fixture(scope="module", loop_scope="module")
def uploaded(
    server: Server, account: Account, tmp_path_factory: pytest.TempPathFactory
) -> Uploaded:
    """The corpus, uploaded once per module by its user (an album per folder), and
    processed by the server."""
    return upload_corpus(server, account, tmp_path_factory.mktemp("uploaded"))


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
