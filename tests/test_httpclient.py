"""The blocking client's http.client lane: connections kept and dropped, errors mapped."""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

import httpx
import pytest

from immich import APIConnectionError, APITimeoutError, Client, IncompleteDownloadError
from immich import _operations as ops
from immich._concurrency import default_transport, direct_transport
from immich._httpclient import STREAM_CHUNK, HTTPClientTransport
from tests.helpers import SERVER_VERSION

VERSION = b'{"major": %d, "minor": %d, "patch": %d}' % (
    SERVER_VERSION["major"],
    SERVER_VERSION["minor"],
    SERVER_VERSION["patch"],
)


L = TypeVar("L", bound="Listening")


class Listening:
    """A server on 127.0.0.1 that talks to each connection it accepts on a thread of its
    own (``_talk``), and counts them."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self._stop = threading.Event()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self: L) -> L:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.listener.close()


class RawServer(Listening):
    """Answers every request with the version, then closes the connection when told
    to, without saying so (as a server whose keep-alive timeout ran out does)."""

    def __init__(
        self,
        *,
        hang_up: bool = False,
        silent: bool = False,
        body: bytes = VERSION,
        cut_at: int | None = None,
    ) -> None:
        super().__init__()
        self.hang_up = hang_up
        self.silent = silent
        self.body = body
        self.cut_at = cut_at  # send this much of the body, then hang up
        self.requests = 0

    def _talk(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except ConnectionResetError:  # a client that left a body unread
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    _, data = data.split(b"\r\n\r\n", 1)
                    self.requests += 1
                    if self.silent:
                        self._stop.wait()
                        return
                    try:
                        conn.sendall(
                            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                            b"content-length: %d\r\n\r\n%s"
                            % (len(self.body), self.body[: self.cut_at])
                        )
                    except (ConnectionResetError, BrokenPipeError):  # a client that left
                        return
                    if self.hang_up or self.cut_at is not None:
                        return


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[RawServer]:
    with RawServer() as running:
        yield running


def test_calls_share_one_kept_alive_connection(server: RawServer) -> None:
    with Client(server.url, api_key="k") as client:
        assert isinstance(client.http_client._transport, HTTPClientTransport)
        for _ in range(5):
            assert client.server.get_server_version().major == SERVER_VERSION["major"]
    assert (server.requests, server.connections) == (5, 1)


def test_a_connection_the_server_dropped_is_not_reused() -> None:
    with RawServer(hang_up=True) as server, Client(server.url, api_key="k") as client:
        for _ in range(3):
            client.server.get_server_version()
        assert (server.requests, server.connections) == (3, 3)


def test_a_silent_server_times_out() -> None:
    with (
        RawServer(silent=True) as server,
        Client(server.url, api_key="k", timeout=0.2, max_retries=0) as client,
        pytest.raises(APITimeoutError, match="ReadTimeout"),
    ):
        client.server.get_server_version()


def test_a_refused_connection_is_a_connection_error() -> None:
    with RawServer() as gone:
        url = gone.url
    with (
        Client(url, api_key="k", max_retries=1) as client,
        pytest.raises(APIConnectionError, match="ConnectError"),
    ):
        client.server.get_server_version()


def test_proxies_in_the_environment_keep_httpx_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    assert default_transport(True) is None
    with Client("https://immich.invalid", api_key="k") as client:
        assert direct_transport(client.http_client._transport) is None
        assert client._direct is None


def test_no_proxy_alone_keeps_the_fast_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "localhost")
    with Client("https://immich.invalid", api_key="k") as client:
        assert isinstance(client.http_client._transport, HTTPClientTransport)
        assert client._direct is client.http_client._transport


BIG = bytes(range(256)) * 12_288  # 3 MiB


def test_a_streamed_body_arrives_whole_and_its_connection_is_kept() -> None:
    with RawServer(body=BIG) as server, Client(server.url, api_key="k") as client:
        with client.stream(ops.DOWNLOAD_ASSET, path={"id": "a"}) as body:
            chunks = list(body.iter_bytes(None))
        assert b"".join(chunks) == BIG
        assert max(map(len, chunks)) <= STREAM_CHUNK
        assert client.assets.download_asset("b") == BIG  # the same connection, read whole
        assert (server.requests, server.connections) == (2, 1)


def test_a_stream_left_unread_closes_its_connection() -> None:
    with RawServer(body=BIG) as server, Client(server.url, api_key="k") as client:
        with client.stream(ops.DOWNLOAD_ASSET, path={"id": "a"}) as body:
            next(body.iter_bytes(None))
        assert client.assets.download_asset("b") == BIG
        assert (server.requests, server.connections) == (2, 2)


def test_a_streamed_body_cut_short_raises() -> None:
    with (
        RawServer(body=BIG, cut_at=100_000) as server,
        Client(server.url, api_key="k", max_retries=0) as client,
        pytest.raises(IncompleteDownloadError),
        client.stream(ops.DOWNLOAD_ASSET, path={"id": "a"}) as body,
    ):
        for _ in body.iter_bytes(None):
            pass
    transport = HTTPClientTransport()
    with (
        RawServer(body=BIG, cut_at=100_000) as server,
        httpx.Client(transport=transport) as http,
        pytest.raises(httpx.RemoteProtocolError, match="short"),
    ):
        http.get(server.url)


def test_calls_read_through_httpx_objects_share_the_connection_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Under the DEBUG log, calls go through httpx's Request and Response (handle_request).
    caplog.set_level(logging.DEBUG, logger="immich")
    with RawServer() as server, Client(server.url, api_key="k") as client:
        assert client._direct_for(ops.GET_SERVER_VERSION) is None
        for _ in range(3):
            client.server.get_server_version()
        assert client.assets.download_asset("b") == VERSION
        assert (server.requests, server.connections) == (4, 1)


class UploadServer(Listening):
    """Reads each request's body (sized or chunked) and answers with its SHA-1; or, told
    to refuse, answers 413 after the head and hangs up without reading the body."""

    def __init__(self, *, refuse: bool = False) -> None:
        super().__init__()
        self.refuse = refuse
        self.heads: list[bytes] = []

    def _talk(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as incoming:
            while head := self._head(incoming):
                self.heads.append(head)
                if self.refuse:
                    conn.sendall(b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 3\r\n\r\nbig")
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                try:
                    body = self._body(incoming, head.lower())
                except ValueError:  # a client that gave up half-way
                    return
                digest = hashlib.sha1(body).hexdigest().encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n" + digest)

    @staticmethod
    def _head(incoming: BinaryIO) -> bytes:
        lines = []
        while (line := incoming.readline()) not in (b"\r\n", b""):
            lines.append(line)
        return b"".join(lines)

    @staticmethod
    def _body(incoming: BinaryIO, head: bytes) -> bytes:
        if b"transfer-encoding: chunked" in head:
            body = b""
            while size := int(incoming.readline().strip() or b"x", 16):
                body += incoming.read(size)
                incoming.readline()
            incoming.readline()
            return body
        length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
        body = incoming.read(length)
        if len(body) != length:
            raise ValueError("short")
        return body


PIECES = [bytes([n]) * 70_000 for n in range(40)]


@pytest.mark.parametrize("sized", [True, False])
def test_an_upload_goes_over_http_client_whole(sized: bool) -> None:
    transport = HTTPClientTransport()
    expected = hashlib.sha1(b"".join(PIECES)).hexdigest()
    headers = {"content-length": str(sum(map(len, PIECES)))} if sized else None
    with UploadServer() as server, httpx.Client(transport=transport) as http:
        for _ in range(2):
            response = http.post(server.url, content=iter(PIECES), headers=headers)
            assert response.text == expected
        assert server.connections == 1
    assert (b"transfer-encoding: chunked" in server.heads[0].lower()) is not sized
    assert not transport.pool_made or not transport._pool.connections  # httpx's was not used


def test_an_upload_through_the_client_is_stored_whole(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(b"".join(PIECES))
    with UploadServer() as server, Client(server.url, api_key="k") as client:
        request = client.http_client.build_request(
            "POST", "assets", files={"assetData": photo.open("rb")}
        )
        response = client.http_client.send(request)
    assert b"multipart/form-data" in server.heads[0].lower()
    assert len(response.text) == 40


def test_a_local_read_error_of_an_upload_is_raised_as_it_is() -> None:
    def failing() -> Iterator[bytes]:
        yield b"x" * 1000
        raise PermissionError("the file went away")

    with UploadServer() as server, httpx.Client(transport=HTTPClientTransport()) as http:
        with pytest.raises(PermissionError, match="went away"):
            http.post(server.url, content=failing())
        assert http.post(server.url, content=b"ok").text == hashlib.sha1(b"ok").hexdigest()
    assert server.connections == 2  # the half-sent one was not reused


def test_an_answer_sent_before_the_upload_was_read_is_returned() -> None:
    def huge() -> Iterator[bytes]:
        for _ in range(200):
            yield b"x" * (1 << 20)

    with (
        UploadServer(refuse=True) as server,
        httpx.Client(transport=HTTPClientTransport()) as http,
    ):
        response = http.post(server.url, content=huge())
    assert (response.status_code, response.content) == (413, b"big")
