"""Older and newer servers: the version preflight, deprecations, permissions, history."""

from __future__ import annotations

import warnings

import httpx
import pytest

from immich import (
    UNSET,
    Client,
    PermissionDeniedError,
    UnsupportedByServerError,
    converter,
)
from immich._core.operations import OPERATIONS
from immich.models import AssetResponseDto, ServerVersionResponseDto
from immich.versions import OLDEST_SUPPORTED
from tests.helpers import API_KEY, BASE_URL, asset_json

#: Added in 3.0.0: a 2.x server cannot serve it.
NEW_OPERATION = OPERATIONS["getWorkflowTriggers"]


class Server:
    """Answers /server/version with ``version`` and every other call with ``answer``."""

    def __init__(self, version: tuple[int, int, int], answer: httpx.Response) -> None:
        self.version = version
        self.answer = answer
        self.version_requests = 0
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/server/version":
            self.version_requests += 1
            major, minor, patch = self.version
            return httpx.Response(200, json={"major": major, "minor": minor, "patch": patch})
        self.calls.append(request)
        return httpx.Response(
            self.answer.status_code, headers=self.answer.headers, content=self.answer.content
        )


def client_for(server: Server, **options: object) -> Client:
    return Client(BASE_URL, api_key=API_KEY, transport=httpx.MockTransport(server), **options)  # type: ignore[arg-type]


def test_the_operation_under_test_is_newer_than_the_oldest_supported_server() -> None:
    assert NEW_OPERATION.since > OLDEST_SUPPORTED
    assert NEW_OPERATION.since_version == "3.0.0"


def test_old_server_refuses_a_newer_method_before_sending_it() -> None:
    server = Server((2, 4, 1), httpx.Response(200, json=[]))
    with client_for(server) as client:
        with pytest.raises(UnsupportedByServerError) as caught:
            client.workflows.get_workflow_triggers()
        with pytest.raises(UnsupportedByServerError):
            client.workflows.get_workflow_triggers()
    error = caught.value
    assert (error.method, error.required_version, error.server_version) == (
        "get_workflow_triggers",
        "3.0.0",
        "2.4.1",
    )
    assert "get_workflow_triggers needs Immich server 3.0.0 or newer" in str(error)
    assert "2.4.1" in str(error)
    assert server.calls == []
    assert server.version_requests == 1  # asked once, then remembered


def test_new_enough_server_gets_the_call() -> None:
    server = Server((3, 0, 3), httpx.Response(200, json=[]))
    with client_for(server) as client:
        assert client.workflows.get_workflow_triggers() == []
        assert client.workflows.get_workflow_triggers() == []
    assert len(server.calls) == 2
    assert server.version_requests == 1


def test_the_check_can_be_turned_off() -> None:
    server = Server((2, 4, 1), httpx.Response(200, json=[]))
    with client_for(server, check_server_version=False) as client:
        assert client.workflows.get_workflow_triggers() == []
    assert server.version_requests == 0
    assert len(server.calls) == 1


def test_methods_every_supported_server_has_cost_no_version_request() -> None:
    server = Server((2, 4, 0), httpx.Response(200, json=[]))
    with client_for(server) as client:
        client.albums.get_all_albums()
    assert server.version_requests == 0


def test_deprecated_method_warns_at_the_callers_line() -> None:
    server = Server((3, 0, 3), httpx.Response(204))
    with client_for(server) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client.assets.update_assets(ids=["a"], is_favorite=True)
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert "update_assets is deprecated" in str(warning.message)
    assert warning.filename == __file__


def test_permission_denied_names_the_permission_from_the_spec() -> None:
    forbidden = httpx.Response(
        403, json={"message": "Missing required permission", "error": "Forbidden"}
    )
    server = Server((3, 0, 3), forbidden)
    with client_for(server) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            client.albums.get_all_albums()
    assert caught.value.permission == "album.read"
    assert "'album.read' permission" in str(caught.value)


def test_docstrings_carry_history_state_and_permission() -> None:
    from immich._sync.api.albums import AlbumsApi
    from immich._sync.api.workflows import WorkflowsApi

    albums_doc = " ".join((AlbumsApi.get_all_albums.__doc__ or "").split())
    assert "``GET /api/albums``" in albums_doc
    assert "History: Added in v1" in albums_doc
    assert "Permission: ``album.read``" in albums_doc
    workflows_doc = " ".join((WorkflowsApi.get_workflow_triggers.__doc__ or "").split())
    assert "History: Added in v3.0.0" in workflows_doc


def test_responses_of_an_older_server_decode_with_the_newer_fields_unset() -> None:
    version = converter.structure({"major": 2, "minor": 4, "patch": 1}, ServerVersionResponseDto)
    assert version.prerelease is UNSET
    data = asset_json()
    data.pop("isEdited", None)
    assert converter.structure(data, AssetResponseDto).is_edited is UNSET
