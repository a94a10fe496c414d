"""aiohttp under httpx's transport interface: the ``AsyncClient``'s default transport.

httpx's own async transport (httpcore) falls far behind under concurrency (on the real
server, 0.09-0.75x of aiohttp at 16 calls at once), so ``AsyncClient`` sends through
aiohttp, as openai-python offers to; everything above the transport (auth, cookies,
redirects, hooks, decoding, pytest-httpx and respx) stays httpx's.

Why an adapter of our own rather than the ``httpx-aiohttp`` package: that package maps
every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, a server that
hangs up in the middle of an answer included. A connect error means "nothing was sent",
which makes a request safe to send again; for a POST that the server may have carried
out, it is not. Here each aiohttp error becomes the httpx error of the phase it failed
in, a local file that cannot be read for an upload is raised as it is, and aiohttp is
imported when the first request is sent, not before.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import aiohttp


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with one ``aiohttp.ClientSession`` (made on first use, on the
    running event loop). Proxies come from the environment (``HTTPS_PROXY``, ...)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._ssl = ssl_context
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            if self._session is not None and self._loop is not None and self._loop.is_closed():
                # Made on a loop that has ended (``asyncio.run`` per notebook cell): its
                # connections went with it.
                self._session.detach()
            import aiohttp

            connector = aiohttp.TCPConnector(
                ssl=self._ssl,
                limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry or 0,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # With trust_env, aiohttp looks up proxies and ~/.netrc on a thread for every
                # request (two thread hops a call): asked only when the environment names a
                # proxy.
                trust_env=_proxies_in_environment(),
                auto_decompress=False,  # httpx decodes, as for its own transports
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx keeps the cookies
            )
            self._loop = loop
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp

        session = self._client()
        timeout = request.extensions.get("timeout", {})
        body = _Body(request)
        data = body.data()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]

        async def send() -> aiohttp.ClientResponse:
            return await session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=data,
                allow_redirects=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),  # aiohttp starts it once the body is sent
                ),
            )

        try:
            answer = await _writing_within(send(), body, timeout.get("write"), request)
        except httpx.TimeoutException:
            raise
        except Exception as exc:
            if body.failure is not None:
                raise body.failure from None  # the file being sent, not the network
            raise _httpx_error(exc, request, reading=False) from exc
        version = answer.version or aiohttp.HttpVersion11
        return httpx.Response(
            answer.status,
            headers=[(k, v) for k, v in answer.raw_headers],
            stream=_Stream(answer, request),
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode(),
                "reason_phrase": (answer.reason or "").encode("latin-1", "replace"),
            },
        )

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


async def _writing_within(
    sending: Coroutine[Any, Any, aiohttp.ClientResponse],
    body: _Body,
    write_timeout: float | None,
    request: httpx.Request,
) -> aiohttp.ClientResponse:
    """Await ``sending``, failing with ``httpx.WriteTimeout`` when a streamed body makes
    no progress for ``write_timeout`` seconds (aiohttp has no write timeout: a server
    that stops reading an upload would hold it for ever)."""
    if write_timeout is None or body.done:  # nothing streamed: nothing to watch
        return await sending
    task = asyncio.ensure_future(sending)
    loop = asyncio.get_running_loop()
    try:
        while True:
            left = write_timeout if body.done else body.progressed_at + write_timeout - loop.time()
            done, _ = await asyncio.wait({task}, timeout=max(left, 0.0))
            if done:
                return task.result()
            if not body.done and loop.time() - body.progressed_at >= write_timeout:
                raise httpx.WriteTimeout(
                    f"no part of the body could be sent for {write_timeout:g} s", request=request
                )
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _proxies_in_environment() -> bool:
    """Whether the environment names a proxy (``NO_PROXY`` alone names none)."""
    import urllib.request

    return any(scheme != "no" for scheme in urllib.request.getproxies())


class _Body:
    """A request's body for aiohttp. Streamed, it records its progress (for the write
    timeout), and an error reading the upload's own file is kept to be raised as it is
    (aiohttp would report it as a broken connection)."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        self.failure: BaseException | None = None
        #: When a chunk was last taken to be written (the one before it was written).
        self.progressed_at = asyncio.get_running_loop().time()
        #: Every chunk written (or none to write): what remains is the server's answer.
        self.done = True

    def data(self) -> bytes | AsyncIterator[bytes] | None:
        try:
            content = self._request.content
        except httpx.RequestNotRead:
            self._request.headers.pop("transfer-encoding", None)  # aiohttp frames it
            self.done = False
            return self._chunks()
        return content or None

    async def _chunks(self) -> AsyncIterator[bytes]:
        stream = self._request.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        loop = asyncio.get_running_loop()
        try:
            async for chunk in stream:
                self.progressed_at = loop.time()
                yield chunk
        except Exception as exc:
            self.failure = exc
            raise
        finally:
            self.done = True


class _Stream(httpx.AsyncByteStream):
    """An aiohttp response body, as it arrives."""

    def __init__(self, answer: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._answer = answer
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._answer.content.iter_any():
                yield chunk
        except Exception as exc:
            raise _httpx_error(exc, self._request, reading=True) from exc

    async def aclose(self) -> None:
        if self._answer.content.at_eof():
            self._answer.release()  # read whole: the connection goes back to the pool
        else:
            self._answer.close()  # left unread: the connection is dropped


def _httpx_error(exc: BaseException, request: httpx.Request, *, reading: bool) -> Exception:
    """The httpx error for an aiohttp one: what phase failed decides whether the request
    may have reached the server (see the module's docstring)."""
    import aiohttp

    message = str(exc) or type(exc).__name__
    kind: type[httpx.TransportError]
    if isinstance(exc, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
        kind = httpx.ProxyError
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError  # refused, unknown host, certificate: nothing was sent
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, (aiohttp.SocketTimeoutError, asyncio.TimeoutError)):
        kind = (
            httpx.ReadTimeout
            if reading or isinstance(exc, aiohttp.SocketTimeoutError)
            else httpx.PoolTimeout
        )
    elif isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        kind = httpx.RemoteProtocolError  # it hung up, or the body broke off
    elif isinstance(exc, aiohttp.ClientResponseError):
        kind = httpx.RemoteProtocolError  # not an HTTP answer aiohttp could read
    elif isinstance(exc, (aiohttp.ClientOSError, OSError)):
        kind = httpx.ReadError if reading else httpx.WriteError
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    elif isinstance(exc, aiohttp.ClientError):
        kind = httpx.ReadError if reading else httpx.WriteError
    else:
        raise exc  # not the network's: a bug to see as it is
    return kind(message, request=request)
