"""Every error the client raises: status errors by class, transport failures, bad bodies."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from immich import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    FieldError,
    ImmichError,
    InternalServerError,
    NotFoundError,
    NotFoundOrNoAccessError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from tests.helpers import API, API_KEY, FakeServer, names_in

ALBUM_URL = f"{API}/albums/album-1"


Connect = Callable[..., Client]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY, max_retries=0)


def immich_error(status: int, message: object, error: str) -> httpx.Response:
    """An error body as the Immich server sends it."""
    return httpx.Response(
        status,
        json={
            "message": message,
            "error": error,
            "statusCode": status,
            "correlationId": "corr-42",
        },
    )


@pytest.mark.parametrize(
    ("status", "cls", "error"),
    [
        (400, BadRequestError, "Bad Request"),
        (401, AuthenticationError, "Unauthorized"),
        (403, PermissionDeniedError, "Forbidden"),
        (404, NotFoundError, "Not Found"),
        (409, ConflictError, "Conflict"),
        (422, UnprocessableEntityError, "Unprocessable Entity"),
        (429, RateLimitError, "Too Many Requests"),
        (500, InternalServerError, "Internal Server Error"),
        (502, InternalServerError, "Bad Gateway"),
        (503, InternalServerError, "Service Unavailable"),
        (504, InternalServerError, "Gateway Timeout"),
    ],
)
def test_status_maps_to_its_error_class(
    status: int, cls: type[APIStatusError], error: str, make_client: Connect
) -> None:
    server = FakeServer(immich_error(status, "Something went wrong", error))
    client = make_client(server)
    with pytest.raises(cls) as caught:
        client.albums.get_album_info("album-1")
    exc = caught.value
    assert type(exc) is cls
    assert isinstance(exc, APIStatusError)
    assert isinstance(exc, APIError)
    assert isinstance(exc, ImmichError)
    assert exc.status_code == status
    assert exc.server_message == "Something went wrong"
    assert exc.error == error
    assert exc.correlation_id == "corr-42"
    assert exc.method == "GET"
    assert exc.url == ALBUM_URL
    assert exc.body["statusCode"] == status
    assert exc.response.status_code == status
    text = str(exc)
    assert str(status) in text
    assert "Something went wrong" in text
    assert f"GET {ALBUM_URL}" in text


@pytest.mark.parametrize("status", [402, 405, 410, 418])
def test_other_4xx_is_a_plain_api_status_error(status: int, make_client: Connect) -> None:
    server = FakeServer(immich_error(status, "nope", "Teapot"))
    client = make_client(server)
    with pytest.raises(APIStatusError) as caught:
        client.albums.get_album_info("album-1")
    assert type(caught.value) is APIStatusError
    assert caught.value.status_code == status
    assert caught.value.server_message == "nope"


def test_validation_messages_are_joined(make_client: Connect) -> None:
    server = FakeServer(
        immich_error(
            400, ["albumName must be a string", "assetIds must be an array"], "Bad Request"
        )
    )
    client = make_client(server)
    with pytest.raises(BadRequestError) as caught:
        client.albums.create_album(album_name="x")
    exc = caught.value
    assert exc.server_message == "albumName must be a string; assetIds must be an array"
    assert exc.method == "POST"
    assert exc.url == f"{API}/albums"
    assert "albumName must be a string" in str(exc)


def test_zod_validation_errors_name_each_field_and_why(make_client: Connect) -> None:
    """Immich 3 validates with zod: the fields come in ``errors``, the message is generic."""
    body = {
        "message": "Validation failed",
        "errors": [
            {
                "origin": "string",
                "code": "invalid_format",
                "format": "uuid",
                "path": ["assetIds", 0],
                "message": "Invalid UUID",
            },
            {"code": "too_small", "path": ["order", "by", 2], "message": "Too small"},
            {"code": "custom", "path": [], "message": "Nothing to do"},
        ],
        "statusCode": 400,
    }
    client = make_client(FakeServer(httpx.Response(400, json=body)))
    with pytest.raises(BadRequestError) as caught:
        client.albums.create_album(album_name="x", asset_ids=["nope"])
    exc = caught.value
    assert [str(e) for e in exc.errors] == [
        "assetIds[0]: Invalid UUID",
        "order.by[2]: Too small",
        "Nothing to do",
    ]
    assert exc.errors[0] == FieldError(
        path=("assetIds", 0), message="Invalid UUID", code="invalid_format"
    )
    assert exc.errors[0].field == "assetIds[0]"
    assert exc.server_message == (
        "Validation failed: assetIds[0]: Invalid UUID; order.by[2]: Too small; Nothing to do"
    )
    assert str(exc).startswith("400 Validation failed: assetIds[0]: Invalid UUID; ")
    assert f"(POST {API}/albums)" in str(exc)


def test_older_validation_sentences_are_field_errors_too(make_client: Connect) -> None:
    server = FakeServer(immich_error(400, ["each value in assetIds must be a UUID"], "Bad Request"))
    client = make_client(server)
    with pytest.raises(BadRequestError) as caught:
        client.albums.create_album(album_name="x")
    assert caught.value.errors == [
        FieldError(path=(), message="each value in assetIds must be a UUID")
    ]


def test_not_found_or_no_access_is_a_not_found_error(make_client: Connect) -> None:
    """Immich answers 400 for an id that does not exist or is not the caller's."""
    body = {"message": "Not found or no album.read access"}
    client = make_client(FakeServer(httpx.Response(400, json=body)))
    with pytest.raises(NotFoundError) as caught:
        client.albums.get_album_info("album-1")
    exc = caught.value
    assert isinstance(exc, NotFoundOrNoAccessError)
    assert isinstance(exc, BadRequestError)
    assert exc.status_code == 400
    assert str(exc).startswith("400 Not found or no album.read access (GET ")


def test_the_correlation_id_of_immich_3_comes_in_a_header(make_client: Connect) -> None:
    answer = httpx.Response(404, json={"message": "Not found"}, headers={"x-correlation-id": "c-7"})
    with pytest.raises(NotFoundError) as caught:
        make_client(FakeServer(answer)).albums.get_album_info("album-1")
    assert caught.value.correlation_id == "c-7"


def test_other_errors_have_no_field_errors(make_client: Connect) -> None:
    client = make_client(FakeServer(immich_error(404, "Not found", "Not Found")))
    with pytest.raises(NotFoundError) as caught:
        client.albums.get_album_info("album-1")
    assert caught.value.errors == []


def test_error_without_json_body(make_client: Connect) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    server = FakeServer(httpx.Response(502, content=page, headers={"content-type": "text/html"}))
    client = make_client(server)
    with pytest.raises(InternalServerError) as caught:
        client.albums.get_album_info("album-1")
    exc = caught.value
    assert exc.status_code == 502
    assert exc.server_message is None
    assert exc.error is None
    assert exc.body == page.decode()
    assert "502" in str(exc)
    assert "Bad Gateway" in str(exc)


def test_error_with_empty_body(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(404))
    client = make_client(server)
    with pytest.raises(NotFoundError) as caught:
        client.albums.get_album_info("album-1")
    assert caught.value.server_message is None
    assert caught.value.body is None
    assert "404" in str(caught.value)


def test_permission_denied_names_the_permission(make_client: Connect) -> None:
    server = FakeServer(immich_error(403, "Missing required permission: album.create", "Forbidden"))
    client = make_client(server)
    with pytest.raises(PermissionDeniedError) as caught:
        client.albums.create_album(album_name="x")
    assert caught.value.permission == "album.create"
    assert "album.create" in str(caught.value)


def test_error_of_a_streamed_download_is_raised_with_its_body(
    make_client: Connect, tmp_path: Path
) -> None:
    server = FakeServer(immich_error(404, "Asset not found", "Not Found"))
    client = make_client(server)
    with pytest.raises(NotFoundError) as caught:
        client.assets.download_asset_to_file("asset-1", tmp_path / "photo.jpg")
    assert caught.value.server_message == "Asset not found"
    assert caught.value.url == f"{API}/assets/asset-1/original"
    assert names_in(tmp_path) == []


def test_connection_refused_is_a_connection_error(
    refused_url: str, no_sleep: list[float], connect: Connect
) -> None:
    # The client's own default transport, against a port that refuses connections.
    client = connect(None, refused_url, api_key=API_KEY, max_retries=1)
    with pytest.raises(APIConnectionError) as caught:
        client.server.get_server_version()
    exc = caught.value
    assert not isinstance(exc, APITimeoutError), f"a refused connection is no timeout: {exc}"
    assert isinstance(exc, ImmichError)
    assert f"GET {refused_url}/api/server/version" in str(exc)
    assert exc.request is not None
    assert isinstance(exc.__cause__, httpx.ConnectError)
    assert len(no_sleep) == 1  # a failed connect is retried


def test_transport_connect_error_is_a_connection_error(make_client: Connect) -> None:
    server = FakeServer(httpx.ConnectError("[Errno 111] Connection refused"))
    client = make_client(server)
    with pytest.raises(APIConnectionError) as caught:
        client.albums.get_all_albums()
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.request is not None
    assert caught.value.request.url == f"{API}/albums"
    assert "Connection refused" in str(caught.value)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.WriteTimeout("timed out"),
        httpx.PoolTimeout("timed out"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_timeouts_are_timeout_errors(exc: httpx.TimeoutException, make_client: Connect) -> None:
    server = FakeServer(exc)
    client = make_client(server)
    with pytest.raises(APITimeoutError) as caught:
        client.albums.get_all_albums()
    assert isinstance(caught.value, APIConnectionError)
    assert type(exc).__name__ in str(caught.value)
    assert f"GET {API}/albums" in str(caught.value)


def test_read_error_is_a_connection_error(make_client: Connect) -> None:
    server = FakeServer(httpx.ReadError("connection reset by peer"))
    client = make_client(server)
    with pytest.raises(APIConnectionError) as caught:
        client.albums.get_all_albums()
    assert not isinstance(caught.value, APITimeoutError)


def test_malformed_json_on_success_is_a_validation_error(make_client: Connect) -> None:
    body = b'{"major": 3, "minor": 0, "patch": 3, oops'
    server = FakeServer(
        httpx.Response(200, content=body, headers={"content-type": "application/json"}),
        auto_version=False,
    )
    client = make_client(server)
    with pytest.raises(APIResponseValidationError) as caught:
        client.server.get_server_version()
    exc = caught.value
    assert isinstance(exc, APIError)
    assert exc.status_code == 200
    assert exc.body_excerpt == body.decode()
    assert "200" in str(exc)
    assert '"major": 3' in str(exc)
    assert f"GET {API}/server/version" in str(exc)


def test_html_on_success_is_a_validation_error_with_a_short_excerpt(
    make_client: Connect,
) -> None:
    body = "<html>" + "x" * 5000 + "</html>"
    server = FakeServer(httpx.Response(200, text=body))
    client = make_client(server)
    with pytest.raises(APIResponseValidationError) as caught:
        client.albums.get_all_albums()
    exc = caught.value
    assert exc.body_excerpt.startswith("<html>xxx")
    assert 100 <= len(exc.body_excerpt) <= 1000
    assert len(str(exc)) < 2000


def test_json_of_the_wrong_shape_is_a_validation_error(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json={"major": 3, "minor": 0}), auto_version=False)
    client = make_client(server)
    with pytest.raises(APIResponseValidationError) as caught:
        client.server.get_server_version()
    assert caught.value.status_code == 200
    assert "patch" in str(caught.value)
    assert "ServerVersionResponseDto" in str(caught.value)


def test_wrong_type_in_a_field_is_a_validation_error(make_client: Connect) -> None:
    server = FakeServer(
        httpx.Response(200, json={"major": "three", "minor": 0, "patch": 3, "prerelease": None}),
        auto_version=False,
    )
    client = make_client(server)
    with pytest.raises(APIResponseValidationError):
        client.server.get_server_version()
