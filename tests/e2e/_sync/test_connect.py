"""Connecting: the version, and every parameterless GET decoding into its model."""

from __future__ import annotations

import inspect
import warnings

import pytest

import immich
from immich import Client
from immich._core import operations as _operations
from immich._core.compat import dialect_for
from immich._core.operation import Operation
from immich._core.operations import OPERATIONS
from immich._core.version_table import OPERATIONS as VERSION_TABLE_OPERATIONS
from tests.e2e.server import Server

# Parameterless GETs that answer an error for a reason of the server's, not ours.
EXPECTED_ERRORS = {
    # No licence is installed on a server built from source.
    "get_server_license": immich.NotFoundError,
    "get_user_license": immich.NotFoundError,
    # Shared-link keys only; an API key has no shared link.
    "get_my_shared_link": immich.PermissionDeniedError,
    # Sync endpoints refuse API keys (a session is needed).
    "get_sync_ack": immich.PermissionDeniedError,
}


def test_version_and_ping(admin: Client, server: Server) -> None:
    version = admin.server.get_server_version()
    assert (version.major, version.minor, version.patch) == server.version
    assert (admin.server.ping_server()).res == "pong"
    assert admin.server_version() == server.version


def _parameterless_gets(client: Client) -> list[tuple[str, object]]:
    methods = {}
    for name in dir(type(client)):
        group = getattr(client, name, None)
        if isinstance(group, immich._sync._resource.APIGroup):
            for attribute in dir(group):
                methods.setdefault(attribute, getattr(group, attribute))
    found = []
    for operation in vars(_operations).values():
        if not isinstance(operation, Operation) or operation.method != "GET":
            continue
        if "{" in operation.path or operation.response != "json":
            continue
        method = methods[operation.name]
        required = [
            p
            for p in inspect.signature(method).parameters.values()
            if p.default is p.empty and p.kind is not p.VAR_KEYWORD
        ]
        if not required:
            found.append((operation.name, method))
    return sorted(found, key=lambda pair: pair[0])


def _lacks(server: Server, name: str) -> bool:
    """Whether the server's release lacks the operation (by the version table or its
    history): the client refuses it before sending."""
    operation = next(o for o in OPERATIONS.values() if o.name == name)
    having = VERSION_TABLE_OPERATIONS.get(operation.operation_id)
    dialect = dialect_for(server.version)
    return server.version < operation.since or (
        having is not None and dialect is not None and dialect.spec not in having
    )


def test_every_parameterless_get_decodes(admin: Client, server: Server) -> None:
    calls = _parameterless_gets(admin)
    assert len(calls) >= 50
    failures = []
    refused = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name, method in calls:
            expected: type[immich.ImmichError] | None = EXPECTED_ERRORS.get(name)
            if _lacks(server, name):
                expected = immich.UnsupportedByServerError
                refused += 1
            try:
                method()  # type: ignore[operator]
            except immich.ImmichError as exc:
                if expected is None or not isinstance(exc, expected):
                    failures.append(f"{name}: {type(exc).__name__}: {exc}")
            else:
                if expected is not None:
                    failures.append(f"{name}: expected {expected.__name__}, got a success")
    assert not failures, "\n".join(failures)
    # 3.0's workflows, plugins, integrity reports and calendar heatmap are not in 2.x.
    assert refused == (0 if server.version >= (3, 0, 0) else 7)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_expected_errors_are_typed(admin: Client, name: str) -> None:
    method = dict(_parameterless_gets(admin))[name]
    with pytest.raises(EXPECTED_ERRORS[name]) as info:
        method()  # type: ignore[operator]
    assert info.value.server_message
