"""The client on a real socket, through its default transport (over asyncio under
``AsyncClient``, httpx's own with an http.client lane under ``Client``).

Both clients send most calls without httpx's Request and Response objects, and the
others without httpx's ``send()`` (see ``AsyncClient._fetch`` and ``_dispatch``);
these tests pin what that must keep: the request on the wire, decoding (also of a
compressed body), error mapping, retries, cookies, ``with_response``, streaming.
A scripted server answers each request with the next answer queued for its path.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from immich import (
    APIConnectionError,
    APIResponseValidationError,
    Client,
    InternalServerError,
    NotFoundError,
)
from immich.models import ServerVersionResponseDto
from tests.helpers import ASSET_ID, SERVER_VERSION, album_json

KEY = "sk-wire-test-key"
ALBUM_ID = "5f0c3a8e-1d2b-4c6e-9f7a-2b3c4d5e6f70"
Answer = tuple[int, dict[str, str], bytes]
CUT_SHORT = "x-test-cut-short"  # not a header: the bytes the answer leaves out


class Scripted:
    """A keep-alive HTTP/1.1 server on loopback: queued answers per path, requests kept."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[dict[str, Any]] = []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                scripted.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length) if length else b"",
                    }
                )
                queue = scripted.answers.get(self.path.split("?")[0]) or [(404, {}, b"{}")]
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                announced = len(body)
                for name, value in headers.items():
                    if name == CUT_SHORT:  # announce more than is sent, then hang up
                        announced += int(value)
                        self.close_connection = True
                    else:
                        self.send_header(name, value)
                self.send_header("content-length", str(announced))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def on(self, path: str, *answers: Answer) -> None:
        self.answers["/api" + path] = list(answers)

    def __enter__(self) -> Scripted:
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(value: Any, **headers: str) -> Answer:
    return 200, {"content-type": "application/json", **headers}, json.dumps(value).encode()


@pytest.fixture
def server() -> Iterator[Scripted]:
    with Scripted() as scripted:
        yield scripted


@pytest.fixture
def client(server: Scripted) -> Any:
    with Client(server.url, api_key=KEY) as client:
        yield client


def test_a_call_and_the_request_on_the_wire(server: Scripted, client: Client) -> None:
    server.on("/server/version", ok(SERVER_VERSION))
    version = client.server.get_server_version()
    assert version == ServerVersionResponseDto(major=3, minor=0, patch=3, prerelease=None)
    (sent,) = server.requests
    assert sent["method"] == "GET"
    assert sent["path"] == "/api/server/version"
    assert sent["headers"]["x-api-key"] == KEY
    assert sent["headers"]["host"] == server.url.removeprefix("http://")
    assert sent["headers"]["user-agent"].startswith("immich-python/")
    assert "gzip" in sent["headers"]["accept-encoding"]


def test_a_json_body_query_and_path_parameters(server: Scripted, client: Client) -> None:
    # (isShared is new in 3.0: the client asks the server's version before sending it.)
    server.on("/server/version", ok(SERVER_VERSION))
    server.on("/albums", ok([]))
    client.albums.get_all_albums(asset_id=ASSET_ID, is_shared=True)
    server.on(f"/albums/{ALBUM_ID}", ok(album_json(id=ALBUM_ID)))
    album = client.albums.update_album_info(ALBUM_ID, album_name="Trip", description="")
    assert album.id == ALBUM_ID
    version, query, update = server.requests
    assert version["path"] == "/api/server/version"
    assert query["path"] == f"/api/albums?assetId={ASSET_ID}&isShared=true"
    assert update["method"] == "PATCH"
    assert update["headers"]["content-type"] == "application/json"
    assert int(update["headers"]["content-length"]) == len(update["body"])
    assert json.loads(update["body"]) == {"albumName": "Trip", "description": ""}


def test_a_compressed_answer_is_decoded(server: Scripted, client: Client) -> None:
    body = gzip.compress(json.dumps(SERVER_VERSION).encode())
    server.on(
        "/server/version",
        (200, {"content-type": "application/json", "content-encoding": "gzip"}, body),
    )
    assert (client.server.get_server_version()).patch == 3


def test_error_statuses_are_mapped_and_retried(
    server: Scripted, client: Client, no_sleep: list[float]
) -> None:
    server.on(f"/assets/{ASSET_ID}", (404, {}, b'{"message":"Asset not found","statusCode":404}'))
    with pytest.raises(NotFoundError) as caught:
        client.assets.get_asset_info(ASSET_ID)
    assert caught.value.server_message == "Asset not found"
    assert caught.value.status_code == 404

    server.on("/server/version", (503, {"retry-after": "0"}, b"{}"), ok(SERVER_VERSION))
    assert (client.server.get_server_version()).major == 3
    assert no_sleep == [0.0]

    server.on("/server/version", (500, {}, b"{}"))
    with pytest.raises(InternalServerError):
        client.server.get_server_version()
    assert len(no_sleep) == 3  # two more retries, then the error


def test_a_body_that_does_not_decode(server: Scripted, client: Client) -> None:
    server.on("/server/version", (200, {"content-type": "application/json"}, b"<html>"))
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        client.server.get_server_version()
    server.on("/server/version", ok({"major": "three"}))
    with pytest.raises(APIResponseValidationError, match="does not fit"):
        client.server.get_server_version()


def test_session_cookies_the_server_sets_are_not_kept(server: Scripted, client: Client) -> None:
    """A login answers with a session cookie; sent back, it would make the server act as
    that session's user rather than the API key's (it prefers sessions)."""
    cookie = "immich_access_token=abc; Path=/; HttpOnly"
    server.on("/server/version", ok(SERVER_VERSION, **{"set-cookie": cookie}))
    client.server.get_server_version()
    client.server.get_server_version()
    first, second = server.requests
    assert "cookie" not in first["headers"]
    assert "cookie" not in second["headers"]
    assert second["headers"]["x-api-key"] == KEY


def test_a_shared_links_password_cookie_is_sent_back(server: Scripted, client: Client) -> None:
    """Logging in to a shared link with its password sets a cookie that opens it."""
    cookie = "immich_shared_link_token=t1; Path=/; HttpOnly"
    server.on("/server/version", ok(SERVER_VERSION, **{"set-cookie": cookie}))
    client.server.get_server_version()
    client.server.get_server_version()
    assert server.requests[1]["headers"]["cookie"] == "immich_shared_link_token=t1"


def test_with_response_hands_over_httpx_objects(server: Scripted, client: Client) -> None:
    server.on("/server/version", ok(SERVER_VERSION, etag='"v3"'))
    answer = client.with_response(client.server.get_server_version)
    assert answer.parsed.major == 3
    assert answer.status_code == 200
    assert answer.headers["etag"] == '"v3"'
    assert answer.http.request.url.path == "/api/server/version"
    assert answer.http.request.content == b""
    assert answer.http.elapsed.total_seconds() >= 0


def test_an_unreachable_server_is_a_connection_error() -> None:
    with Scripted() as gone:
        url = gone.url
    with Client(url, api_key=KEY, max_retries=0) as client:
        with pytest.raises(APIConnectionError, match=r"GET http://127\.0\.0\.1:"):
            client.server.get_server_version()


def test_downloads_byte_for_byte(server: Scripted, client: Client, tmp_path: Path) -> None:
    original = bytes(range(256)) * 20_000  # 5 MiB: several chunks
    server.on(f"/assets/{ASSET_ID}/original", (200, {}, original))
    assert client.assets.download_asset(ASSET_ID) == original
    written = client.assets.download_asset_to_file(ASSET_ID, tmp_path / "a.bin")
    assert written.read_bytes() == original
    packed = gzip.compress(original)
    server.on(f"/assets/{ASSET_ID}/original", (200, {"content-encoding": "gzip"}, packed))
    written = client.assets.download_asset_to_file(ASSET_ID, tmp_path / "b.bin")
    assert written.read_bytes() == original
    with client.assets.download_asset_stream(ASSET_ID) as body:
        chunks = [chunk for chunk in body.iter_bytes(100_000)]
    assert b"".join(chunks) == original
    assert {len(chunk) for chunk in chunks[:-1]} == {100_000}
    assert client.assets.download_asset(ASSET_ID) == original  # decoded


def test_a_download_cut_short_is_retried_then_reported(server: Scripted, client: Client) -> None:
    original = bytes(range(256)) * 4
    server.on(
        f"/assets/{ASSET_ID}/original",
        (200, {CUT_SHORT: "1000"}, original),
        (200, {}, original),
    )
    assert client.assets.download_asset(ASSET_ID) == original
    assert len(server.requests) == 2

    server.on(f"/assets/{ASSET_ID}/original", (200, {CUT_SHORT: "1000"}, original))
    with pytest.raises(
        APIConnectionError, match=r"original failed: (ReadError|RemoteProtocolError)"
    ):
        client.assets.download_asset(ASSET_ID)
    assert len(server.requests) == 2 + 1 + client.max_retries
