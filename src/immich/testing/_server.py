"""The fake on a real socket: a threaded HTTP/1.1 server with keep-alive, streaming request
bodies (Content-Length or chunked) in and response bodies out."""

from __future__ import annotations

import contextlib
import io
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from ._errors import ApiError
from ._http import CHUNK_SIZE, FakeRequest, FakeResponse

Handle = Callable[[FakeRequest], FakeResponse]
# Small bodies go out in the same write as the headers: one segment, no Nagle stall.
_COALESCE_LIMIT = 64 * 1024


def _malformed_body(reason: str) -> ApiError:
    return ApiError(400, f"Malformed request body: {reason}")


def _iter_sized_body(stream: io.BufferedIOBase, length: int) -> Iterator[bytes]:
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise _malformed_body("connection closed before the body was complete")
        remaining -= len(chunk)
        yield chunk


def _iter_chunked_body(stream: io.BufferedIOBase) -> Iterator[bytes]:
    while True:
        size_line = stream.readline(1024)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _malformed_body("bad chunk size") from None
        if size == 0:
            # Skip trailers up to the blank line that ends the body.
            while stream.readline(8192) not in (b"\r\n", b"\n", b""):
                pass
            return
        yield from _iter_sized_body(stream, size)
        stream.readline(8)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without this, a reply's second segment can wait for a delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server: _LoopbackHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _request_body(self) -> Iterator[bytes]:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks = _iter_chunked_body(self.rfile)
        else:
            chunks = _iter_sized_body(self.rfile, int(self.headers.get("content-length") or 0))
        try:
            yield from chunks
        except ApiError:
            # The rest of the connection cannot be parsed once its body is out of step.
            self.close_connection = True
            raise

    def _serve(self) -> None:
        content_length = self.headers.get("content-length") or "0"
        if not content_length.isdigit():
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad Content-Length")
            return
        target = urllib.parse.urlsplit(self.path)
        request = FakeRequest(
            method=self.command,
            path=urllib.parse.unquote(target.path),
            query=urllib.parse.parse_qsl(target.query, keep_blank_values=True),
            headers=httpx.Headers(list(self.headers.items())),
            body=self._request_body(),
        )
        response = self.server.handle_fake(request)
        with contextlib.suppress(ApiError):
            request.drain_body()
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            response.close()

    def _send(self, response: FakeResponse) -> None:
        status = response.status
        # 1xx, 204 and 304 answers have no body, nor any header announcing one.
        bodiless = status < 200 or status in (204, 304)
        length = response.length
        # HTTP/1.0 clients cannot read chunked bodies: end those with the connection instead.
        chunked = not bodiless and length is None and self.request_version != "HTTP/1.0"
        if not bodiless and length is None and not chunked:
            self.close_connection = True
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        head.extend(f"{name}: {value}" for name, value in response.headers)
        head.append(f"date: {self.date_time_string()}")
        if not bodiless and length is not None:
            head.append(f"content-length: {length}")
        if chunked:
            head.append("transfer-encoding: chunked")
        if self.close_connection:
            head.append("connection: close")
        head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        self.log_request(status, length if length is not None else "-")
        if bodiless or self.command == "HEAD":
            self.wfile.write(head_bytes)
            return
        if isinstance(response.body, bytes) and len(response.body) <= _COALESCE_LIMIT:
            self.wfile.write(head_bytes + response.body)
            return
        self.wfile.write(head_bytes)
        for chunk in response.iter_body():
            self.wfile.write(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class _LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handle: Handle, *, log_requests: bool) -> None:
        self.handle_fake = handle
        self.log_requests = log_requests
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        connection, address = super().get_request()
        with self._connections_lock:
            self._connections.add(connection)
        return connection, address

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        with self._connections_lock:
            if isinstance(request, socket.socket):
                self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        # A client that hangs up mid-request is routine, not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Ends idle keep-alive connections, whose threads would otherwise wait forever."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class LoopbackServer:
    def __init__(self, handle: Handle, host: str, port: int, *, log_requests: bool = False) -> None:
        self._server = _LoopbackHTTPServer((host, port), handle, log_requests=log_requests)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host_text = str(host)
        if ":" in host_text:
            host_text = f"[{host_text}]"
        return f"http://{host_text}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"FakeImmich {self.url}",
            daemon=True,
        )
        self._thread.start()

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()
