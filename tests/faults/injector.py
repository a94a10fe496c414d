"""Faults between a client and ``FakeImmich``: in-process, or on real loopback sockets.

A :class:`FaultPlan` decides, request by request, whether to inject a fault and which
one: first from an explicit ``script``, then at random with a seeded RNG at ``rate``.
Two injectors apply a plan:

- :class:`FaultTransport` wraps an httpx transport (``fake.transport()`` or
  ``fake.async_transport()``) and works for ``httpx.Client`` and ``httpx.AsyncClient``
  alike. It raises the exceptions httpx's own transports raise for these faults.
- :class:`FaultProxy` is a small threaded HTTP/1.1 proxy on 127.0.0.1 in front of
  ``fake.serve()``: the faults happen on the socket (a reset, a close half-way through a
  body whose Content-Length promised more, a stall), so the client's real network stack
  (http.client and httpcore under ``Client``, asyncio under ``AsyncClient``) meets them.

The faults:

=========================  =============================================================
``Fault.DROP_BEFORE``      the connection is reset before the server sees the request
``Fault.DROP_AFTER``       the server handles the request; the connection is closed
                           before any byte of the answer
``Fault.DROP_MID_BODY``    status, headers and half the body, then a reset
``Fault.TRUNCATE``         status, headers (full Content-Length) and half the body, then
                           a clean close (in-process: ``RemoteProtocolError``, as httpx
                           raises for it)
``Fault.SHORT_BODY``       in-process: half the body, then a clean end, as a transport
                           that does not check Content-Length would give it; on
                           loopback the same as ``TRUNCATE``
``Fault.STALL``            a slow server: the request is held for ``plan.stall``
                           seconds, then handled and answered (if the client still
                           waits; in-process, a stall longer than the request's read
                           timeout is handled at once and raises ``ReadTimeout``)
``Fault.MALFORMED_JSON``   the server's answer with its body replaced by broken JSON
``Status(code, form)``     an error status instead of the server's answer, with
                           ``Retry-After`` in ``"seconds"`` or ``"date"`` form, or none
=========================  =============================================================

Everything is bounded: the proxy listens on 127.0.0.1 only, forwards to a loopback
upstream only, reads bounded heads and bodies, serves a bounded number of requests per
connection, times idle connections out and stops by itself after ``lifetime`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import enum
import http.client
import io
import ipaddress
import json
import random
import socket
import socketserver
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit

import httpx


class Fault(enum.Enum):
    DROP_BEFORE = "drop-before"
    DROP_AFTER = "drop-after"
    DROP_MID_BODY = "drop-mid-body"
    TRUNCATE = "truncate"
    SHORT_BODY = "short-body"
    STALL = "stall"
    MALFORMED_JSON = "malformed-json"

    def __str__(self) -> str:
        return self.value


RetryAfterForm = Literal["seconds", "date"]


@dataclass(frozen=True)
class Status:
    """An error status answered instead of the server, optionally with ``Retry-After``."""

    code: int
    retry_after: RetryAfterForm | None = None

    def __str__(self) -> str:
        return f"{self.code}" + (f"+retry-after-{self.retry_after}" if self.retry_after else "")


AnyFault = Fault | Status

STATUS_FAULTS: tuple[Status, ...] = tuple(
    Status(code, form) for code in (502, 503, 429) for form in (None, "seconds", "date")
)
CONNECTION_FAULTS: tuple[Fault, ...] = (
    Fault.DROP_BEFORE,
    Fault.DROP_AFTER,
    Fault.DROP_MID_BODY,
    Fault.TRUNCATE,
    Fault.STALL,
)
#: Everything a repeatable call gets through by being retried (not malformed JSON).
RETRYABLE_FAULTS: tuple[AnyFault, ...] = (*CONNECTION_FAULTS, *STATUS_FAULTS)

_TRUNCATIONS = (Fault.TRUNCATE, Fault.SHORT_BODY, Fault.DROP_MID_BODY)

MALFORMED_JSON_BODY = b'{"id": "0b2f6a5e-9a43-4c6c-9a1e", "name": [tru'
_REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable"}

Match = Callable[[str, str], bool]


def only(method: str | None = None, path: str | None = None) -> Match:
    """A plan filter: requests with this method and whose path contains ``path``."""

    def match(request_method: str, request_path: str) -> bool:
        return (method is None or request_method == method) and (
            path is None or path in request_path
        )

    return match


class FaultPlan:
    """Which requests get which fault. Thread-safe; deterministic for a given order.

    Args:
        rate: The share of eligible requests that get a random fault (after the script).
        faults: What the random faults are drawn from.
        seed: The RNG's seed.
        script: Faults (or ``None``: let through) for the first eligible requests.
        match: Which requests are eligible, ``match(method, path)``; default all.
        stall: How long a stall lasts, in seconds.
        retry_after: The seconds a ``Retry-After`` asks for (both forms).
    """

    def __init__(
        self,
        *,
        rate: float = 0.0,
        faults: Sequence[AnyFault] = RETRYABLE_FAULTS,
        seed: int = 0,
        script: Sequence[AnyFault | None] = (),
        match: Match | None = None,
        stall: float = 1.0,
        retry_after: int = 1,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if rate and not faults:
            raise ValueError("a rate needs faults to draw from")
        self.rate = rate
        self.faults = tuple(faults)
        self.stall = stall
        self.retry_after = retry_after
        self._match = match
        self._script = list(script)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        #: Every request the injector saw, eligible or not.
        self.requests = 0
        #: The eligible ones, in order: (method, path, fault or None).
        self.log: list[tuple[str, str, AnyFault | None]] = []

    def choose(self, method: str, path: str) -> AnyFault | None:
        with self._lock:
            self.requests += 1
            if self._match is not None and not self._match(method, path):
                return None
            fault: AnyFault | None
            if self._script:
                fault = self._script.pop(0)
            elif self.rate and self._rng.random() < self.rate:
                fault = self._rng.choice(self.faults)
            else:
                fault = None
            self.log.append((method, path, fault))
            return fault

    @property
    def injected(self) -> list[AnyFault]:
        with self._lock:
            return [fault for _, _, fault in self.log if fault is not None]

    @property
    def eligible(self) -> int:
        with self._lock:
            return len(self.log)

    def counts(self) -> Counter[str]:
        """How often each fault was injected, by name."""
        return Counter(str(fault) for fault in self.injected)

    def status_answer(self, fault: Status) -> tuple[list[tuple[str, str]], bytes]:
        """The headers and JSON body of an injected error status."""
        reason = _REASONS.get(fault.code, "Error")
        body = json.dumps(
            {"message": f"injected {fault.code}", "error": reason, "statusCode": fault.code}
        ).encode()
        headers = [("content-type", "application/json; charset=utf-8")]
        if fault.retry_after == "seconds":
            headers.append(("retry-after", str(self.retry_after)))
        elif fault.retry_after == "date":
            when = time.time() + self.retry_after
            headers.append(("retry-after", email.utils.formatdate(when, usegmt=True)))
        return headers, body


# -- in-process ------------------------------------------------------------------------


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body for either kind of client: ``data``, then ``error`` if given."""

    def __init__(self, data: bytes, error: Exception | None = None) -> None:
        self.data = data
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        if self.data:
            yield self.data
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.data:
            yield self.data
        if self.error is not None:
            raise self.error


class FaultTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Applies ``plan`` in front of ``inner`` (a sync or an async httpx transport).

    A stall is emulated from the request's timeout: when ``plan.stall`` exceeds its read
    timeout, the server handles the request and ``httpx.ReadTimeout`` is raised at once
    (nothing waits); otherwise the request waits ``plan.stall`` seconds and goes
    through. ``timeouts`` records the ``timeout`` extension of every request.
    """

    def __init__(
        self, inner: httpx.BaseTransport | httpx.AsyncBaseTransport, plan: FaultPlan
    ) -> None:
        self.inner = inner
        self.plan = plan
        self.timeouts: list[dict[str, float | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.inner, httpx.BaseTransport):
            raise TypeError("the wrapped transport is asynchronous")
        fault = self._before(request)
        if isinstance(fault, httpx.Response):
            return fault
        if fault is Fault.STALL and not self._times_out(request):
            time.sleep(self.plan.stall)
        response = self.inner.handle_request(request)
        if fault is None or (fault is Fault.STALL and not self._times_out(request)):
            return response
        try:
            response.read()
        finally:
            response.close()
        return self._after(fault, request, response)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.inner, httpx.AsyncBaseTransport):
            raise TypeError("the wrapped transport is synchronous")
        fault = self._before(request)
        if isinstance(fault, httpx.Response):
            return fault
        if fault is Fault.STALL and not self._times_out(request):
            await asyncio.sleep(self.plan.stall)
        response = await self.inner.handle_async_request(request)
        if fault is None or (fault is Fault.STALL and not self._times_out(request)):
            return response
        try:
            await response.aread()
        finally:
            await response.aclose()
        return self._after(fault, request, response)

    def close(self) -> None:
        if isinstance(self.inner, httpx.BaseTransport):
            self.inner.close()

    async def aclose(self) -> None:
        if isinstance(self.inner, httpx.AsyncBaseTransport):
            await self.inner.aclose()

    def _before(self, request: httpx.Request) -> AnyFault | httpx.Response | None:
        """The faults that need no server: raised or answered here."""
        self.timeouts.append(dict(request.extensions.get("timeout", {})))
        fault = self.plan.choose(request.method, request.url.path)
        if fault is Fault.DROP_BEFORE:
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        if isinstance(fault, Status):
            headers, body = self.plan.status_answer(fault)
            return httpx.Response(fault.code, headers=headers, content=body)
        return fault

    def _times_out(self, request: httpx.Request) -> bool:
        read = request.extensions.get("timeout", {}).get("read")
        return read is not None and self.plan.stall > read

    def _after(
        self, fault: AnyFault, request: httpx.Request, response: httpx.Response
    ) -> httpx.Response:
        """The faults that come after the server has answered; ``response`` is read."""
        if fault is Fault.STALL:
            raise httpx.ReadTimeout("timed out", request=request)
        content = response.content
        if fault is Fault.DROP_AFTER or (fault in _TRUNCATIONS and not content):
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if fault is Fault.MALFORMED_JSON:
            headers = httpx.Headers(response.headers)
            headers["content-length"] = str(len(MALFORMED_JSON_BODY))
            return httpx.Response(
                response.status_code, headers=headers, content=MALFORMED_JSON_BODY
            )
        # Truncated: the headers (and their Content-Length) as sent, half the body.
        half = content[: len(content) // 2]
        error: Exception | None = None
        if fault is Fault.DROP_MID_BODY:
            error = httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        elif fault is Fault.TRUNCATE:
            error = httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body "
                f"(received {len(half)} bytes, expected {len(content)})",
                request=request,
            )
        return httpx.Response(
            response.status_code, headers=response.headers, stream=_Body(half, error)
        )


# -- on loopback -----------------------------------------------------------------------

_MAX_LINE = 16 * 1024
_MAX_HEADERS = 100
_MAX_BODY = 256 * 1024 * 1024
_MAX_REQUESTS_PER_CONNECTION = 10_000
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


@dataclass
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


def _read_line(reader: io.BufferedReader) -> bytes:
    line = reader.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise ValueError("line too long")
    return line


def _read_request(reader: io.BufferedReader) -> _Request | None:
    """One request from the connection, or None when the client closed it."""
    line = _read_line(reader)
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers: list[tuple[str, str]] = []
    for _ in range(_MAX_HEADERS):
        line = _read_line(reader)
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    else:
        raise ValueError("too many headers")
    request = _Request(method, target, headers, b"")
    if "chunked" in (request.header("transfer-encoding") or "").lower():
        request.body = _read_chunked(reader)
    else:
        length = int(request.header("content-length") or 0)
        if not 0 <= length <= _MAX_BODY:
            raise ValueError("body too large")
        request.body = reader.read(length)
        if len(request.body) != length:
            raise ValueError("client closed mid-body")
    return request


def _read_chunked(reader: io.BufferedReader) -> bytes:
    body = bytearray()
    while True:
        size = int(_read_line(reader).split(b";", 1)[0].strip(), 16)
        if size == 0:
            for _ in range(_MAX_HEADERS):  # trailers, up to the blank line
                if _read_line(reader) in (b"\r\n", b"\n", b""):
                    return bytes(body)
            raise ValueError("too many trailers")
        if len(body) + size > _MAX_BODY:
            raise ValueError("body too large")
        body += reader.read(size)
        _read_line(reader)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.server.proxy._serve(self.request)


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 that applies ``plan`` on real sockets.

    ``with FaultProxy(upstream_url, plan) as url:`` gives ``http://127.0.0.1:PORT`` (or
    ``https://`` when ``tls`` is a server-side SSL context). Request bodies are read
    whole and forwarded with a Content-Length; answers go back with keep-alive.
    """

    def __init__(
        self,
        upstream: str,
        plan: FaultPlan,
        *,
        tls: ssl.SSLContext | None = None,
        idle_timeout: float = 5.0,
        lifetime: float = 120.0,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or not _is_loopback(parts.hostname):
            raise ValueError(f"the upstream must be plain HTTP on loopback, not {upstream!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.plan = plan
        self.tls = tls
        self.idle_timeout = idle_timeout
        self.lifetime = lifetime
        self._stopped = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        port = self._server.server_address[1]
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"

    def start(self) -> str:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="FaultProxy",
            daemon=True,
        )
        self._thread.start()
        self._watchdog = threading.Timer(self.lifetime, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self.url

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.cancel()
        if self._server is not None:
            self._server.shutdown()
            with self._lock:
                connections = list(self._connections)
            for connection in connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._server.server_close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # One connection: requests in a bounded loop until a fault, a close or the end.

    def _serve(self, raw: socket.socket) -> None:
        sock: socket.socket = raw
        try:
            raw.settimeout(self.idle_timeout)
            if self.tls is not None:
                sock = self.tls.wrap_socket(raw, server_side=True)
            with self._lock:
                self._connections.add(sock)
            with sock, sock.makefile("rb") as reader:
                for _ in range(_MAX_REQUESTS_PER_CONNECTION):
                    if self._stopped.is_set():
                        return
                    request = _read_request(reader)
                    if request is None or not self._exchange(sock, request):
                        return
        except (OSError, ValueError):
            return  # a client that went away, a failed handshake, a malformed request
        finally:
            with self._lock:
                self._connections.discard(sock)

    def _exchange(self, sock: socket.socket, request: _Request) -> bool:
        """Answers one request; False when the connection must end."""
        path = urlsplit(request.target).path
        fault = self.plan.choose(request.method, path)
        if fault is Fault.DROP_BEFORE:
            _reset(sock)
            return False
        if fault is Fault.STALL and self._stopped.wait(self.plan.stall):
            return False  # stopped while stalling
        if isinstance(fault, Status):
            headers, body = self.plan.status_answer(fault)
            sock.sendall(_head(fault.code, _REASONS.get(fault.code, ""), headers, len(body)) + body)
            return True
        status, reason, headers, body = self._forward(request)
        if fault is Fault.DROP_AFTER or (fault in _TRUNCATIONS and not body):
            return False
        if fault is Fault.MALFORMED_JSON:
            body = MALFORMED_JSON_BODY
        bodiless = status in (204, 304) or status < 200
        head = _head(status, reason, headers, None if bodiless else len(body))
        if fault in _TRUNCATIONS:
            sock.sendall(head + body[: len(body) // 2])
            if fault is Fault.DROP_MID_BODY:
                _reset(sock)
            return False
        sock.sendall(head + (b"" if bodiless or request.method == "HEAD" else body))
        return (request.header("connection") or "").lower() != "close"

    def _forward(self, request: _Request) -> tuple[int, str, list[tuple[str, str]], bytes]:
        host, port = self.upstream
        upstream = http.client.HTTPConnection(host, port, timeout=30)
        try:
            headers = {k: v for k, v in request.headers if k.lower() not in _HOP_BY_HOP}
            body = (
                request.body if request.body or request.method in ("POST", "PUT", "PATCH") else None
            )
            upstream.request(request.method, request.target, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            return response.status, response.reason, kept, data
        finally:
            upstream.close()


def _head(status: int, reason: str, headers: list[tuple[str, str]], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}".rstrip()]
    lines += [f"{name}: {value}" for name, value in headers]
    if length is not None:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _reset(sock: socket.socket) -> None:
    """Closes with a TCP reset (RST) rather than a clean close (FIN)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
