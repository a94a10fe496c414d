"""The blocking ``Client``'s default transport: httpx's own, plus a fast lane over http.client.

httpx's transport (httpcore and h11, pure Python) takes about twice the time of the
standard library's ``http.client`` for a small call: 1,000 downloads of a photo from a
loopback server, server time included, took 0.40 s against 0.19 s. This transport *is*
httpx's for everything that needs httpx (streams, uploads, mocking libraries that patch
``httpx.HTTPTransport``); only :meth:`HTTPClientTransport.fetch`, which ``Client`` uses
for plain calls read whole (see ``Client._fetch``), goes through a small pool of
``http.client`` connections. Its errors are httpx's, by the phase they happened in, so
that retries and messages are those of every other call.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from collections.abc import Mapping
from typing import Any

import httpx

from immich._config import ssl_context
from immich._deferred_pool import DeferredPool
from immich._request import Origin, Prepared

_HTTPX_HANDLER = httpx.HTTPTransport.handle_request
# Idle connections kept per server: as many as a bulk transfer uses, and some.
_MAX_IDLE = 20


class _Fetched:
    """An answer read whole (see immich._request.Fetched)."""

    __slots__ = ("body", "headers", "reason", "status")

    def __init__(self, status: int, reason: str, headers: httpx.Headers, body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers: Mapping[str, str] = headers
        self.body = body

    def response(self, request: httpx.Request) -> httpx.Response:
        """An httpx response whose body has been read, as ``Response.read()`` leaves it."""
        result = httpx.Response(
            self.status,
            headers=self.headers,
            stream=httpx.ByteStream(self.body),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": self.reason.encode()},
        )
        result.read()  # decodes a Content-Encoding, as httpx's transports leave it to
        return result


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
        default = ssl_context(True) if verify is True else None
        if isinstance(verify, ssl.SSLContext):
            self._tls = verify
        elif isinstance(default, ssl.SSLContext):
            self._tls = default
        else:
            self._tls = ssl.create_default_context()
            self._tls.check_hostname = False
            self._tls.verify_mode = ssl.CERT_NONE
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def can_fetch(self) -> bool:
        """Whether fetch() may be used: not while a mocking library replaces httpx's
        transport (it must see every request)."""
        return httpx.HTTPTransport.handle_request is _HTTPX_HANDLER

    def fetch(self, prepared: Prepared) -> _Fetched:
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


def _exchange(connection: http.client.HTTPConnection, prepared: Prepared) -> tuple[_Fetched, bool]:
    """One request and its whole answer; whether the connection may be used again."""
    timeout = prepared.timeout
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
            prepared.method,
            prepared.path,
            skip_host=True,  # among ours
            skip_accept_encoding=True,
        )
        for name, value in prepared.headers.raw:  # the bytes httpx would send
            connection.putheader(name, value)
        connection.endheaders(prepared.content)
        phase = "read"
        sock.settimeout(timeout.get("read"))
        response = connection.getresponse()
        body = response.read()
    except TimeoutError as exc:
        raise _TIMEOUTS[phase](f"timed out ({phase})") from exc
    except http.client.IncompleteRead as exc:
        raise httpx.RemoteProtocolError(
            f"peer closed connection without sending complete message body "
            f"(received {len(exc.partial)} bytes, expected {len(exc.partial) + (exc.expected or 0)})"
        ) from exc
    except http.client.HTTPException as exc:  # a malformed answer, or none at all
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except OSError as exc:  # refused, unreachable, TLS; reset or closed mid-exchange
        raise _ERRORS[phase](str(exc) or type(exc).__name__) from exc
    headers = httpx.Headers(response.getheaders())
    answer = _Fetched(response.status, response.reason, headers, body)
    return answer, not response.will_close


_TIMEOUTS: dict[str, type[httpx.TimeoutException]] = {
    "connect": httpx.ConnectTimeout,
    "write": httpx.WriteTimeout,
    "read": httpx.ReadTimeout,
}
_ERRORS: dict[str, type[httpx.TransportError]] = {
    "connect": httpx.ConnectError,
    "write": httpx.WriteError,
    "read": httpx.ReadError,
}
