"""The default ``AsyncClient`` transport when aiohttp is installed: httpx's API over aiohttp.

aiohttp measured 3-4x faster here than httpx's own async transport. This transport
replaces httpx-aiohttp's, which it started from, because the conversion between the two
libraries' requests and responses was a large part of the time of a small call and its
16 KiB body chunks held streamed downloads back. It keeps what the SDK relies on:

- Mocking libraries that patch ``httpx.AsyncHTTPTransport`` (pytest-httpx) still see
  every request: when that method has been replaced, requests go through it.
- aiohttp's errors become httpx's, as httpx-aiohttp maps them, except that a refused
  connection is a connection error rather than a connect timeout.
- Cookies are httpx's business (its client keeps the jar); aiohttp keeps none of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any, NoReturn

import aiohttp
import httpx

from immich._deferred_pool import DeferredPool
from immich._request import READ_BODY, Prepared

_HTTPX_HANDLER = httpx.AsyncHTTPTransport.handle_async_request

#: Bytes asked of aiohttp per streamed chunk. aiohttp then buffers up to twice this
#: before it stops reading the socket: big enough for few wake-ups per MiB, small enough
#: to keep memory flat.
STREAM_CHUNK = 1 << 20

# aiohttp's errors by the phase they happened in, most specific first. Which phase matters:
# only a failure before the request left (connecting) is safe to retry for a POST, so a
# connection the server closed or reset later must never look like a connect failure.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, unreachable, TLS
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientConnectionError, httpx.ReadError),  # reset or closed mid-exchange
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.InvalidUrlClientError, httpx.UnsupportedProtocol),
)


def _mapped(exc: Exception) -> httpx.TransportError | None:
    for source, target in _ERRORS:
        if isinstance(exc, source):
            return target(str(exc) or type(exc).__name__)
    return None


class _WatchedBody:
    """A streamed request body that signals each time aiohttp takes a chunk.

    aiohttp has no write timeout; it asks for the next chunk once the previous one is
    written, so a stretch without a request for one is a server that stopped reading.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.progress = asyncio.Event()
        self.finished = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self.progress.set()
            yield chunk
        self.finished = True
        self.progress.set()


async def _within_write_timeout(
    sending: Awaitable[aiohttp.ClientResponse], body: _WatchedBody, write: float
) -> aiohttp.ClientResponse:
    """Await ``sending``, failing with httpx.WriteTimeout when the body stalls ``write`` s."""
    task = asyncio.ensure_future(sending)
    try:
        while not task.done() and not body.finished:
            body.progress.clear()
            progress = asyncio.ensure_future(body.progress.wait())
            done, _ = await asyncio.wait(
                {task, progress}, timeout=write, return_when=asyncio.FIRST_COMPLETED
            )
            progress.cancel()
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                raise httpx.WriteTimeout(f"the server took no request body for {write} s")
        response: aiohttp.ClientResponse = await task  # the body is out: reads time out now
        return response
    finally:
        task.cancel()


def _reraise(exc: Exception) -> NoReturn:
    mapped = _mapped(exc)
    if mapped is None:
        raise exc
    raise mapped from exc


@functools.lru_cache(maxsize=64)
def _client_timeout(
    connect: float | None, read: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    # A client has one or two timeouts in use; building the object per call costs.
    return aiohttp.ClientTimeout(sock_connect=connect, sock_read=read, connect=pool)


class _Fetched:
    """An answer read whole (see immich._request.Fetched)."""

    __slots__ = ("_response", "body")

    def __init__(self, response: aiohttp.ClientResponse, body: bytes) -> None:
        self._response = response
        self.body = body

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    def response(self, request: httpx.Request) -> httpx.Response:
        """An httpx response whose body has been read, as ``Response.aread()`` leaves it."""
        answer = self._response
        result = httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            stream=httpx.ByteStream(self.body),
            request=request,
            extensions=_extensions(answer),
        )
        if "Content-Encoding" in answer.headers:
            result.read()  # httpx decodes
        else:
            # What read() would store, without the four generators it runs to get there
            # (a quarter of this transport's own time for a small call).
            result._content = self.body
            result.is_stream_consumed = result.is_closed = True
        return result


async def _read_whole(response: aiohttp.ClientResponse) -> _Fetched:
    try:
        body = await response.read()
    except Exception as exc:
        _reraise(exc)
    response.release()
    return _Fetched(response, body)


def _extensions(response: aiohttp.ClientResponse) -> dict[str, Any]:
    extensions = {"http_version": b"HTTP/1.1"}
    if response.reason:
        extensions["reason_phrase"] = response.reason.encode()
    return extensions


@functools.lru_cache(maxsize=256)
def _aiohttp_headers(raw: tuple[tuple[bytes, bytes], ...]) -> tuple[tuple[str, str], ...]:
    """Request headers as aiohttp takes them, with their names as given (as httpx's own
    transports send them) and decoded as httpx.Headers decodes them. Most requests of a
    client carry the same few headers, so the conversion is remembered."""
    encoding = httpx.Headers(list(raw)).encoding
    return tuple((name.decode(encoding), value.decode(encoding)) for name, value in raw)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        read = self._response.content.read
        try:
            while chunk := await read(STREAM_CHUNK):
                yield chunk
        except Exception as exc:
            _reraise(exc)

    async def aclose(self) -> None:
        try:
            await self._response.__aexit__(None, None, None)
        except Exception as exc:
            _reraise(exc)


# httpx's and httpx-aiohttp's default.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class AiohttpTransport(DeferredPool, httpx.AsyncHTTPTransport):
    def __init__(
        self,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = _LIMITS,
        **options: Any,
    ) -> None:
        # httpx's own pool stays for mocking libraries that call into it.
        self._defer_pool(verify=verify, limits=limits, **options)
        self._ssl = verify
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Made on first use: a session belongs to the event loop running then.
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self._ssl,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,  # httpx decodes, as it does for its own transports
        )
        return self._session

    def can_fetch(self) -> bool:
        """Whether fetch() may be used: not while a mocking library replaces httpx's
        transport (it must see every request)."""
        return httpx.AsyncHTTPTransport.handle_async_request is _HTTPX_HANDLER

    async def fetch(self, prepared: Prepared) -> _Fetched:
        """Send a prepared request and read the answer whole, without httpx's objects;
        errors are httpx's, as from handle_async_request."""
        response = await self._start(
            prepared.method, prepared.target, prepared.wire, prepared.content, prepared.timeout
        )
        return await _read_whole(response)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if httpx.AsyncHTTPTransport.handle_async_request is not _HTTPX_HANDLER:
            return await httpx.AsyncHTTPTransport.handle_async_request(self, request)
        try:
            data: Any = request.content or None
        except httpx.RequestNotRead:  # a stream: a multipart upload
            data = _WatchedBody(request.stream)
            request.headers.pop("transfer-encoding", None)  # aiohttp frames it itself
        response = await self._start(
            request.method,
            str(request.url),
            _aiohttp_headers(tuple(request.headers.raw)),
            data,
            request.extensions.get("timeout", {}),
            request.extensions.get("sni_hostname"),
        )
        if request.extensions.get(READ_BODY):
            return (await _read_whole(response)).response(request)
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response),
            request=request,
            extensions=_extensions(response),
        )

    async def _start(
        self,
        method: str,
        url: str,
        headers: tuple[tuple[str, str], ...],
        data: Any,
        timeout: Mapping[str, float | None],
        server_hostname: str | None = None,
    ) -> aiohttp.ClientResponse:
        """Send the request; the answer's status and headers have arrived, not its body."""
        session = self._session or self._open()
        try:
            sending = session.request(
                method,
                url,
                headers=headers,
                data=data,
                allow_redirects=False,
                compress=False,
                timeout=_client_timeout(
                    timeout.get("connect"), timeout.get("read"), timeout.get("pool")
                ),
                server_hostname=server_hostname,
            )
            write = timeout.get("write")
            if isinstance(data, _WatchedBody) and write is not None:
                return await _within_write_timeout(sending, data, write)
            return await sending
        except Exception as exc:
            _reraise(exc)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        # httpx's own pool, used only under a mocking library. (Closing an unused one
        # imports anyio: 40 ms of a short run's exit.)
        if self.pool_made and self._pool.connections:
            await super().aclose()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
