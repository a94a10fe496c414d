"""Fixtures of the end-to-end suite: the real server, and a fresh user per test module.

Every test under ``tests/e2e`` is marked ``e2e``: the default ``pytest`` run leaves them
out, ``make e2e`` (or ``pytest -m e2e``) runs them. A server that is not running fails
the run with what to do; it is never a reason to skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import (
    CREDENTIALS_OF,
    Account,
    Server,
    Uploaded,
    connect_server,
    create_account,
    credential_files,
    delete_account,
    upload_photos,
)

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every e2e test runs against each server (``[3.0.3]``, ``[2.7.5]``); one marked
    ``immich3`` (only the migration guide's comparisons, written for Immich 3) against the
    3.x servers alone."""
    if "server" in metafunc.fixturenames:
        files = credential_files()
        if metafunc.definition.get_closest_marker("immich3") is not None:
            files = [path for path in files if _major_of(path) >= 3]
        ids = [_release_of(path) for path in files]
        metafunc.parametrize("server", files, ids=ids, indirect=True, scope="session")


def _release_of(path: str) -> str:
    return next((v for v, p in CREDENTIALS_OF.items() if p == path), path)


def _major_of(path: str) -> int:
    release = _release_of(path)
    if release != path:
        return int(release.split(".")[0])
    try:  # a server of one's own (IMMICH_E2E_CREDENTIALS): ask it
        return connect_server(path).version[0]
    except RuntimeError:
        return 3  # kept: the server fixture fails the test, saying what to do


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Server:
    try:
        return connect_server(request.param)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def account(server: Server, request: pytest.FixtureRequest) -> Iterator[Account]:
    """A user of this test module's own (its assets, albums and tags are its own)."""
    label = re.sub(r"[^a-z0-9]+", "-", request.module.__name__.rsplit(".", 1)[-1].lower())
    made = create_account(server, label[:30])
    yield made
    delete_account(server, made)


@pytest.fixture(scope="module")
def photos(
    server: Server, account: Account, tmp_path_factory: pytest.TempPathFactory
) -> list[Uploaded]:
    """Three photos of the module's user, uploaded once for the module."""
    folder = tmp_path_factory.mktemp("photos")
    return upload_photos(server, account, folder, count=3, seed=1)
