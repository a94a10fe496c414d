"""Pytest fixtures for testing code against a FakeImmich.

Enable them in a project's top-level ``conftest.py``::

    pytest_plugins = ["immich.testing.pytest_plugin"]

Fixtures (function-scoped, so each test starts from a fresh server):

``immich_fake``
    A :class:`~immich.testing.FakeImmich` seeded with an admin. Use ``immich_fake.api_key``
    to authenticate, ``immich_fake.create_user(...)`` and ``immich_fake.add_asset(...)`` to
    seed data, and ``immich_fake.transport()`` / ``immich_fake.async_transport()`` to plug
    it into an httpx client without a socket.

``immich_fake_url``
    The same fake served on loopback; the value is the server's base URL, such as
    ``http://127.0.0.1:54321`` (the API is under ``/api``).

``immich_client``
    An :class:`immich.Client` signed in to ``immich_fake`` as its admin, without a socket.

``immich_async_client``
    The same as an :class:`immich.AsyncClient` (use it from ``async def`` tests).

Example::

    def test_my_backup_script(immich_fake, immich_client):
        immich_fake.add_asset(b"...", filename="a.jpg")
        assert my_script.count_assets(immich_client) == 1
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from ._fake import FakeImmich

if TYPE_CHECKING:
    from immich import AsyncClient, Client

# Loopback, so the SDK does not warn about credentials over plain HTTP.
_FAKE_URL = "http://127.0.0.1:2283"


@pytest.fixture
def immich_fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture
def immich_fake_url(immich_fake: FakeImmich) -> Iterator[str]:
    with immich_fake.serve() as url:
        yield url


# The SDK is imported inside the fixtures so that this plugin keeps working for tests that
# only need the fake itself.


@pytest.fixture
def immich_client(immich_fake: FakeImmich) -> Iterator[Client]:
    from immich import Client

    with Client(
        base_url=_FAKE_URL, api_key=immich_fake.api_key, transport=immich_fake.transport()
    ) as client:
        yield client


try:  # async fixtures need pytest-asyncio's decorator in its default strict mode
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - without pytest-asyncio there are no async tests
    _async_fixture = pytest.fixture  # type: ignore[assignment]


@_async_fixture
async def immich_async_client(immich_fake: FakeImmich) -> AsyncIterator[AsyncClient]:
    from immich import AsyncClient

    async with AsyncClient(
        base_url=_FAKE_URL, api_key=immich_fake.api_key, transport=immich_fake.async_transport()
    ) as client:
        yield client
