"""The ``AsyncClient``'s default transport: httpx's API over connections of asyncio's own.

HTTP/1.1 to one API server needs little of a client: a request head and body out, an
answer framed by ``Content-Length``, chunks or the connection's end back in. Over
asyncio (:mod:`immich._connection`, :mod:`immich._http11`) that costs nothing to import,
where aiohttp took 70-150 ms of every short run's start and httpx's own async transport
(httpcore, anyio) about 60 ms and 3-4x the time of a small call.

As :mod:`immich._httpclient` does for the blocking client, this transport *is* httpx's
(``httpx.AsyncHTTPTransport``): mocking libraries that patch it still see every
request, and it keeps httpx's pool (made on first use) for them alone. Its errors are
httpx's, by the phase they happened in, so that retries and messages are those of every
other call: only a failure before the request left (connecting) is safe to retry for a
POST.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any, NoReturn

import httpx

from immich._config import tls_context
from immich._connection import Connection, HeadTooLong, within
from immich._deferred_pool import DeferredPool
from immich._http11 import LAST_CHUNK, Answer, chunk, request_head
from immich._phases import ERRORS, TIMEOUTS, WriteFailed
from immich._request import READ_BODY, Fetched, Origin, Prepared, origin_of

_HTTPX_HANDLER = httpx.AsyncHTTPTransport.handle_async_request
#: The most handed out of a streamed body at once.
STREAM_CHUNK = 1 << 20
# The longest answer head, or chunk-size line, accepted.
_MAX_HEAD = 64 << 10
# httpx's and aiohttp's default limits.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
# Requests that may be sent twice (RFC 9110, 9.2.2): once more, at once, when a reused
# connection turns out closed before any answer came, as browsers and aiohttp do.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


class _Pooled(Connection):
    """A connection, where it goes, and whether it carried a request before."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.reused = False
        self.idle_since = 0.0


class _Closed(Exception):
    """A reused connection ended before any byte of the answer: it may be tried again.
    ``error`` is what to raise if it may not."""

    def __init__(self, error: httpx.TransportError) -> None:
        super().__init__(str(error))
        self.error = error


class AsyncioTransport(DeferredPool, httpx.AsyncHTTPTransport):
    def __init__(
        self,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = _LIMITS,
        **options: Any,
    ) -> None:
        # httpx's own pool stays for mocking libraries that call into it.
        self._defer_pool(verify=verify, limits=limits, **options)
        self._tls = tls_context(verify)
        self._max_idle = limits.max_keepalive_connections  # (None: no limit)
        self._keepalive = limits.keepalive_expiry or 0.0
        self._max_connections = limits.max_connections
        self._loop: asyncio.AbstractEventLoop | None = None  # the one they belong to:
        self._idle: dict[Origin, list[_Pooled]] = {}  # to reuse, most recent last
        self._open: set[_Pooled] = set()  # all, in use, idle or connecting
        self._waiting: deque[asyncio.Future[None]] = deque()  # for a connection to free

    def can_fetch(self) -> bool:
        """Whether fetch() may be used: not while a mocking library replaces httpx's
        transport (it must see every request)."""
        return httpx.AsyncHTTPTransport.handle_async_request is _HTTPX_HANDLER

    async def fetch(self, prepared: Prepared) -> Fetched:
        """Send a prepared request and read the answer whole, without httpx's objects;
        errors are httpx's, as from handle_async_request."""
        head = request_head(prepared.method, prepared.path, prepared.headers.raw)
        body = await self._exchange(
            prepared.origin, prepared.method, head, prepared.content, prepared.timeout
        )
        return await body.read_whole()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.can_fetch():
            return await super().handle_async_request(request)
        url = request.url
        content: bytes | AsyncIterable[bytes]
        if isinstance(request.stream, httpx.ByteStream):
            content = request.content
        else:  # an upload
            assert isinstance(request.stream, AsyncIterable)
            content = request.stream
        body = await self._exchange(
            origin_of(url),
            request.method,
            request_head(request.method, url.raw_path.decode("ascii"), request.headers.raw),
            content,
            request.extensions.get("timeout", {}),
            request.extensions.get("sni_hostname"),
            request.headers.get("transfer-encoding") == "chunked",
        )
        if request.extensions.get(READ_BODY):
            return (await body.read_whole()).response(request)
        answer = body.answer
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=body,
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": answer.reason.encode()},
        )

    async def _exchange(
        self,
        origin: Origin,
        method: str,
        head: bytes,
        content: bytes | AsyncIterable[bytes] | None,
        timeout: Mapping[str, float | None],
        server_hostname: str | None = None,
        chunked: bool = False,
    ) -> _Body:
        """Send a request; the answer's status and headers have arrived, not its body."""
        connection = await self._checkout(origin, timeout, server_hostname)
        try:
            answer = await _send(connection, method, head, content, timeout, chunked)
        except _Closed as closed:
            self._discard(connection)
            if method not in _IDEMPOTENT or not isinstance(content, (bytes, type(None))):
                raise closed.error from closed.__cause__
            connection = await self._connect(origin, timeout, server_hostname)
            try:  # (on a new connection _send raises the error itself, not _Closed)
                answer = await _send(connection, method, head, content, timeout, chunked)
            except BaseException:
                self._discard(connection)
                raise
        except BaseException:
            # Failed or cancelled half-way: what the connection carries next is unknown.
            self._discard(connection)
            raise
        return _Body(self, connection, answer, timeout.get("read"))

    async def _checkout(
        self, origin: Origin, timeout: Mapping[str, float | None], server_hostname: str | None
    ) -> _Pooled:
        """An idle connection to ``origin``, else a new one once the limit allows."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._rebind(loop)
        deadline: float | None = None
        while True:
            if server_hostname is None and (connection := self._idle_to(origin, loop.time())):
                return connection
            limit = self._max_connections
            if limit is None or len(self._open) < limit:
                return await self._connect(origin, timeout, server_hostname)
            if self._close_an_idle_one():  # kept for another server: make room
                continue
            pool = timeout.get("pool")
            if deadline is None and pool is not None:
                deadline = loop.time() + pool
            await self._wait_for_a_free_one(None if deadline is None else deadline - loop.time())

    def _idle_to(self, origin: Origin, now: float) -> _Pooled | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.reusable and now - connection.idle_since < self._keepalive:
                connection.reused = True
                return connection
            self._discard(connection)
        return None

    def _close_an_idle_one(self) -> bool:
        for idle in self._idle.values():
            if idle:
                self._discard(idle.pop(0))
                return True
        return False

    async def _wait_for_a_free_one(self, seconds: float | None) -> None:
        """Until a connection is checked in or closed (see _notify)."""
        freed = asyncio.get_running_loop().create_future()
        self._waiting.append(freed)
        try:
            await within(None if seconds is None else max(seconds, 0.0), freed)
        except BaseException as exc:
            if freed.done() and not freed.cancelled():
                self._notify()  # this turn came, but is not taken: the next waiter's
            if isinstance(exc, asyncio.TimeoutError):
                raise httpx.PoolTimeout("no connection came free in time") from None
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiting.remove(freed)

    def _notify(self) -> None:
        """Wake the longest waiting request (a connection was checked in or closed)."""
        while self._waiting:
            freed = self._waiting.popleft()
            if not freed.done():
                freed.set_result(None)
                return

    def _rebind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start afresh in another event loop (a notebook's ``asyncio.run`` per cell):
        connections belong to the loop they were made in."""
        for connection in self._open:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                connection.close()
        self._idle.clear()
        self._open.clear()
        self._waiting.clear()
        self._loop = loop

    async def _connect(
        self, origin: Origin, timeout: Mapping[str, float | None], server_hostname: str | None
    ) -> _Pooled:
        scheme, host, port = origin
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"the URL's scheme {scheme!r} is not http or https")
        tls = self._tls if scheme == "https" else None
        connection = _Pooled(origin)
        self._open.add(connection)  # counted from now: others wait while it connects
        try:
            await within(
                timeout.get("connect"),
                asyncio.get_running_loop().create_connection(
                    lambda: connection,
                    host,
                    port,
                    ssl=tls,
                    server_hostname=(server_hostname or host) if tls else None,
                ),
            )
        except BaseException as exc:
            self._discard(connection)
            if isinstance(exc, Exception):
                _reraise(exc, "connect")
            raise
        return connection

    def _checkin(self, connection: _Pooled) -> None:
        idle = self._idle.setdefault(connection.origin, [])
        max_idle = self._max_idle
        if (
            connection in self._open
            and connection.reusable
            and (max_idle is None or len(idle) < max_idle)
        ):
            connection.idle_since = asyncio.get_running_loop().time()
            idle.append(connection)
            self._notify()
            return
        self._discard(connection)

    def _discard(self, connection: _Pooled) -> None:
        connection.close()
        if connection in self._open:
            self._open.discard(connection)
            self._notify()

    async def aclose(self) -> None:
        self._idle.clear()
        for connection in list(self._open):
            self._discard(connection)
        # httpx's own pool, used only under a mocking library. (Closing an unused one
        # imports anyio: 40 ms of a short run's exit.)
        if self.pool_made and self._pool.connections:
            await super().aclose()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _send(
    connection: _Pooled,
    method: str,
    head: bytes,
    content: bytes | AsyncIterable[bytes] | None,
    timeout: Mapping[str, float | None],
    chunked: bool,
) -> Answer:
    """Write the request and read the answer's head (past any 1xx interim answers).

    Errors reading a streamed body (the file of an upload) are raised as they are: they
    are not the connection's.
    """
    write = timeout.get("write")
    try:
        if content is None or isinstance(content, bytes):
            await _write(connection, head + content if content else head, write)
        else:
            await _write(connection, head, write)
            async for piece in content:
                if piece:
                    await _write(connection, chunk(piece) if chunked else piece, write)
            if chunked:
                await _write(connection, LAST_CHUNK, write)
    except WriteFailed as failed:
        cause = failed.__cause__
        assert isinstance(cause, Exception)
        if isinstance(cause, ConnectionError):
            if connection.reused:
                raise _Closed(_error(cause, "write")) from cause
            # The server may have answered before it stopped reading (a 413, a 401):
            # that answer says more than a broken pipe.
            with contextlib.suppress(Exception):
                return await _read_answer(connection, method, timeout.get("read"))
        _reraise(cause, "write")
    return await _read_answer(connection, method, timeout.get("read"))


async def _write(connection: Connection, data: bytes, timeout: float | None) -> None:
    try:
        connection.write(data)
        await connection.drain(timeout)
    except Exception as exc:
        raise WriteFailed from exc


async def _read_answer(connection: _Pooled, method: str, timeout: float | None) -> Answer:
    while True:
        try:
            head = await connection.read_until(b"\r\n\r\n", _MAX_HEAD, timeout)
        except HeadTooLong as exc:
            raise httpx.RemoteProtocolError("the answer's head is too long") from exc
        except ConnectionError as exc:
            if connection.reused:
                raise _Closed(_error(exc, "read")) from exc
            _reraise(exc, "read")
        except Exception as exc:
            _reraise(exc, "read")
        if not head.endswith(b"\r\n\r\n"):
            if head:
                raise httpx.RemoteProtocolError(
                    "the server closed the connection in the middle of its answer's head"
                )
            closed = httpx.RemoteProtocolError("Server disconnected without sending a response.")
            if connection.reused:
                raise _Closed(closed)
            raise closed
        answer = Answer(head, method)
        if not answer.interim:
            return answer


class _Body(httpx.AsyncByteStream):
    """The body of an answer, read as it arrives; the connection goes back to the pool
    once the body has been read to its end, and is closed otherwise."""

    def __init__(
        self,
        transport: AsyncioTransport,
        connection: _Pooled,
        answer: Answer,
        read_timeout: float | None,
    ) -> None:
        self._transport = transport
        self._connection: _Pooled | None = connection
        self.answer = answer
        self._timeout = read_timeout
        self._complete = answer.length == 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        try:
            if self.answer.chunked:
                async for piece in self._chunks(connection):
                    yield piece
            else:
                async for piece in self._sized(connection, self.answer.length):
                    yield piece
        except httpx.HTTPError:
            raise
        except Exception as exc:
            _reraise(exc, "read")
        self._complete = True

    async def _sized(self, connection: Connection, length: int | None) -> AsyncIterator[bytes]:
        """``length`` bytes, or (None) all until the connection ends."""
        remaining = length
        while remaining is None or remaining > 0:
            limit = STREAM_CHUNK if remaining is None else min(remaining, STREAM_CHUNK)
            piece = await connection.read(limit, self._timeout)
            if not piece:
                if remaining is None:
                    return
                assert length is not None
                raise httpx.RemoteProtocolError(
                    f"peer closed connection without sending complete message body "
                    f"(received {length - remaining} bytes, expected {length})"
                )
            if remaining is not None:
                remaining -= len(piece)
            yield piece

    async def _chunks(self, connection: Connection) -> AsyncIterator[bytes]:
        timeout = self._timeout
        while True:
            line = await connection.read_until(b"\n", _MAX_HEAD, timeout)
            if not line.endswith(b"\n"):
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    "(incomplete chunked read)"
                )
            size_text = line.split(b";", 1)[0].strip()
            if not size_text or size_text.strip(b"0123456789abcdefABCDEF"):
                raise httpx.RemoteProtocolError(f"bad chunk size: {size_text[:20]!r}")
            size = int(size_text, 16)
            if size == 0:
                while (line := await connection.read_until(b"\n", _MAX_HEAD, timeout)) not in (
                    b"\r\n",
                    b"\n",
                ):
                    if not line.endswith(b"\n"):
                        raise httpx.RemoteProtocolError("the answer's trailers ended early")
                return
            async for piece in self._sized(connection, size):
                yield piece
            if await connection.read_exactly(2, timeout) != b"\r\n":
                raise httpx.RemoteProtocolError("a chunk is longer than its size says")

    async def read_whole(self) -> Fetched:
        """The whole body (the connection goes back to the pool); errors are httpx's."""
        answer = self.answer
        try:
            body = b"" if answer.length == 0 else b"".join([piece async for piece in self])
        finally:
            await self.aclose()
        return Fetched(answer.status, answer.reason, answer.headers, body)

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete and self.answer.keep_alive:
            self._transport._checkin(connection)
        else:
            self._transport._discard(connection)


def _error(exc: Exception, phase: str) -> httpx.TransportError:
    """``exc`` as the httpx error for the phase it happened in."""
    if isinstance(exc, asyncio.TimeoutError):
        return TIMEOUTS[phase](f"timed out ({phase})")
    if isinstance(exc, OSError):  # refused, unreachable, TLS; reset or closed mid-exchange
        return ERRORS[phase](str(exc) or type(exc).__name__)
    if isinstance(exc, HeadTooLong):
        return httpx.RemoteProtocolError(str(exc))
    raise exc


def _reraise(exc: Exception, phase: str) -> NoReturn:
    if isinstance(exc, httpx.HTTPError):
        raise exc
    raise _error(exc, phase) from exc
