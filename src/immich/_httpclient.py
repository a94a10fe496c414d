"""The blocking ``Client``'s default transport: httpx's API over the standard library's
``http.client``.

httpx's own transport (httpcore and h11, pure Python) takes about twice the time of
``http.client`` for a small call: 1,000 downloads of a photo from a loopback server,
server time included, took 0.40 s against 0.19 s. It also reads streamed bodies 64 KiB
at a time; ``http.client`` takes what the socket has, up to 512 KiB (200 MiB streamed at
2,750 MB/s against 1,470). This transport *is* httpx's (``httpx.HTTPTransport``), so
that mocking libraries that patch it still see every request (httpx's own pool, made on
first use, serves them). Requests go over a small pool of ``http.client`` connections:
:meth:`HTTPClientTransport.handle_request` for httpx's requests (uploads too, their
bodies streamed), :meth:`HTTPClientTransport.fetch` for the calls ``Client`` sends
without making httpx's objects (see ``Client._fetch``). Its errors are httpx's, by the
phase they happened in, so that retries and messages are those of every other call.
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn

import httpx

from immich._config import tls_context
from immich._deferred_pool import DeferredPool
from immich._http11 import LAST_CHUNK, chunk
from immich._phases import ERRORS, TIMEOUTS, WriteFailed
from immich._request import Fetched, Origin, Prepared, origin_of

_HTTPX_HANDLER = httpx.HTTPTransport.handle_request
#: The most read from a streamed body at once: whatever the socket has, up to this.
#: (1 MiB was no faster, and its freed buffers grew the process by 6-8 MB; this, by 2.)
STREAM_CHUNK = 512 << 10
# Idle connections kept per server: as many as a bulk transfer uses, and some.
_MAX_IDLE = 20


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle keep-alive connection was closed by the server (or sent something
    unasked): readable while idle means either. httpcore checks the same."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class HTTPClientTransport(DeferredPool, httpx.HTTPTransport):
    def __init__(self, verify: ssl.SSLContext | bool = True, **options: Any) -> None:
        self._defer_pool(verify=verify, **options)
        self._tls = tls_context(verify)
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def can_fetch(self) -> bool:
        """Whether fetch() may be used: not while a mocking library replaces httpx's
        transport (it must see every request)."""
        return httpx.HTTPTransport.handle_request is _HTTPX_HANDLER

    def fetch(self, prepared: Prepared) -> Fetched:
        """Send a prepared request and read the answer whole, without httpx's objects;
        errors are httpx's, as from handle_request."""
        key = prepared.origin
        connection = self._checkout(key)
        try:
            answer, reusable = _exchange(connection, prepared)
        except BaseException:
            connection.close()
            raise
        if reusable:
            self._checkin(key, connection)
        else:
            connection.close()
        return answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """httpx's, over http.client: unless a mocking library replaced httpx's (it must
        see every request)."""
        if not self.can_fetch():
            return super().handle_request(request)
        url = request.url
        content: bytes | Iterable[bytes]
        if isinstance(request.stream, httpx.ByteStream):
            content = request.content
        else:  # an upload
            assert isinstance(request.stream, Iterable)
            content = request.stream
        key = origin_of(url)
        connection = self._checkout(key)
        try:
            response = _start(
                connection,
                request.method,
                url.raw_path.decode("ascii"),
                request.headers.raw,
                content,
                request.extensions.get("timeout", {}),
                chunked=request.headers.get("transfer-encoding") == "chunked",
            )
        except BaseException:
            connection.close()
            raise
        return httpx.Response(
            response.status,
            headers=response.getheaders(),
            stream=_Body(self, key, connection, response),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason.encode()},
        )

    def _checkout(self, key: Origin) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                if connection.sock is not None and not _dropped(connection.sock):
                    return connection
                connection.close()
        scheme, host, port = key
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, context=self._tls)
        if scheme != "http":
            raise httpx.UnsupportedProtocol(f"the URL's scheme {scheme!r} is not http or https")
        return http.client.HTTPConnection(host, port)

    def _checkin(self, key: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < _MAX_IDLE:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            connections = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for connection in connections:
            connection.close()
        if self.pool_made:
            super().close()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _start(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    content: bytes | Iterable[bytes] | None,
    timeout: Mapping[str, float | None],
    *,
    chunked: bool = False,
) -> http.client.HTTPResponse:
    """Send a request; the answer's status and headers have arrived, not its body.

    Errors reading a streamed body (the file of an upload) are raised as they are: they
    are not the connection's.
    """
    phase = "connect"
    try:
        if connection.sock is None:
            connection.timeout = timeout.get("connect")
            connection.connect()  # (http.client turns Nagle's algorithm off)
        sock = connection.sock
        assert sock is not None
        phase = "write"
        sock.settimeout(timeout.get("write"))
        connection.putrequest(
            method,
            path,
            skip_host=True,  # among ours
            skip_accept_encoding=True,
        )
        for name, value in headers:  # the bytes httpx would send
            connection.putheader(name, value)
        connection.endheaders(content if isinstance(content, bytes) and content else None)
    except Exception as exc:
        _reraise(exc, phase)
    if content is not None and not isinstance(content, bytes):
        try:
            _send_stream(connection, content, chunked)
        except WriteFailed as failed:
            cause = failed.__cause__
            assert isinstance(cause, Exception)
            if isinstance(cause, (BrokenPipeError, ConnectionResetError)):
                # The server may have answered before it stopped reading (a 413, a
                # 401): that answer says more than a broken pipe.
                with contextlib.suppress(Exception):
                    return _read_answer(connection, timeout)
            _reraise(cause, "write")
    return _read_answer(connection, timeout)


def _send_stream(
    connection: http.client.HTTPConnection, pieces: Iterable[bytes], chunked: bool
) -> None:
    for piece in pieces:  # (reading the file happens here: its errors are its own)
        if piece:
            _send(connection, chunk(piece) if chunked else piece)
    if chunked:
        _send(connection, LAST_CHUNK)


def _send(connection: http.client.HTTPConnection, data: bytes) -> None:
    try:
        connection.send(data)
    except Exception as exc:
        raise WriteFailed from exc


def _read_answer(
    connection: http.client.HTTPConnection, timeout: Mapping[str, float | None]
) -> http.client.HTTPResponse:
    try:
        assert connection.sock is not None
        connection.sock.settimeout(timeout.get("read"))
        return connection.getresponse()
    except Exception as exc:
        _reraise(exc, "read")


def _reraise(exc: Exception, phase: str) -> NoReturn:
    """``exc`` as the httpx error for the phase it happened in."""
    if isinstance(exc, TimeoutError):
        raise TIMEOUTS[phase](f"timed out ({phase})") from exc
    if isinstance(exc, http.client.IncompleteRead):
        raise httpx.RemoteProtocolError(
            f"peer closed connection without sending complete message body "
            f"(received {len(exc.partial)} bytes, expected {len(exc.partial) + (exc.expected or 0)})"
        ) from exc
    if isinstance(exc, http.client.HTTPException):  # a malformed answer, or none at all
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    if isinstance(exc, OSError):  # refused, unreachable, TLS; reset or closed mid-exchange
        raise ERRORS[phase](str(exc) or type(exc).__name__) from exc
    raise exc


def _exchange(connection: http.client.HTTPConnection, prepared: Prepared) -> tuple[Fetched, bool]:
    """One request and its whole answer; whether the connection may be used again."""
    response = _start(
        connection,
        prepared.method,
        prepared.path,
        prepared.headers.raw,
        prepared.content,
        prepared.timeout,
    )
    try:
        body = response.read()
    except Exception as exc:
        _reraise(exc, "read")
    answer = Fetched(response.status, response.reason, response.getheaders(), body)
    return answer, not response.will_close


class _Body(httpx.SyncByteStream):
    """A response body read as it arrives, in pieces of up to STREAM_CHUNK bytes; the
    connection goes back to the pool once the body has been read to its end."""

    def __init__(
        self,
        transport: HTTPClientTransport,
        key: Origin,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
    ) -> None:
        self._transport = transport
        self._key = key
        self._connection: http.client.HTTPConnection | None = connection
        self._response = response
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        response = self._response
        try:
            while chunk := response.read1(STREAM_CHUNK):
                yield chunk
        except Exception as exc:
            _reraise(exc, "read")
        if response.length:  # (http.client's read1 ends quietly on a short body)
            raise httpx.RemoteProtocolError(
                f"peer closed connection without sending complete message body "
                f"({response.length} bytes short)"
            )
        self._complete = True

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        self._response.close()  # (the connection sends no other request until it is)
        if self._complete and not self._response.will_close:
            self._transport._checkin(self._key, connection)
        else:
            connection.close()
