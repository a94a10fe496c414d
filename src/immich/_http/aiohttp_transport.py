"""aiohttp under httpx's transport interface: the ``AsyncClient``'s default transport.

httpx's own async transport (httpcore) falls far behind under concurrency (on the real
server, 0.09-0.75x of aiohttp at 16 calls at once), so ``AsyncClient`` sends through
aiohttp, as openai-python offers to; everything above the connection pool (auth,
cookies, redirects, hooks, decoding) stays httpx's. The transport is httpx's own class
with aiohttp where httpcore's pool would be, so what mocks httpx's transport
(pytest-httpx, respx with ``using="httpx"``) intercepts it too.

Why an adapter of our own rather than the ``httpx-aiohttp`` package: that package maps
every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, a server that
hangs up in the middle of an answer included. A connect error means "nothing was sent",
which makes a request safe to send again; for a POST that the server may have carried
out, it is not. Here each aiohttp error becomes the error of the phase it failed in, a
local file that cannot be read for an upload is raised as it is, and aiohttp is
imported when the first request is sent, not before.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Coroutine, Iterable
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import aiohttp
    import httpcore


class AiohttpTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with aiohttp in the place of httpcore's connection pool.

    Being httpx's transport class, whatever patches it sees every request: pytest-httpx,
    and respx with ``using="httpx"``. Proxies come from the environment (``HTTPS_PROXY``,
    ...), through aiohttp."""

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        # httpx's transport sends through ``self._pool`` (httpcore's request interface),
        # all its ``__init__`` sets; not called, as it would import and build httpcore's
        # pool only for it to be replaced.
        self._pool = AiohttpPool(ssl_context=ssl_context, limits=limits)  # type: ignore[assignment]


class AiohttpPool:
    """httpcore's request interface (``handle_async_request``, ``aclose``) on one
    ``aiohttp.ClientSession``, made on first use on the running event loop. Errors are
    httpcore's, which httpx maps to its own."""

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

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        import aiohttp
        import httpcore
        import yarl

        session = self._client()
        timeout = request.extensions.get("timeout", {})
        body = _Body(request.stream)
        data = await body.data()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers]
        if not body.done:
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]

        async def send() -> aiohttp.ClientResponse:
            return await session.request(
                request.method.decode("ascii"),
                yarl.URL(_url(request.url), encoded=True),  # as httpx encoded it
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
            answer = await _writing_within(send(), body, timeout.get("write"))
        except httpcore.TimeoutException:
            raise
        except Exception as exc:
            if body.failure is not None:
                raise body.failure from None  # the file being sent, not the network
            raise _httpcore_error(exc, reading=False) from exc
        version = answer.version or aiohttp.HttpVersion11
        return httpcore.Response(
            answer.status,
            headers=list(answer.raw_headers),
            content=_Stream(answer),
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode(),
                "reason_phrase": (answer.reason or "").encode("latin-1", "replace"),
            },
        )

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def __aenter__(self) -> AiohttpPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _url(url: httpcore.URL) -> str:
    host = url.host.decode("ascii")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = "" if url.port is None else f":{url.port}"
    return f"{url.scheme.decode('ascii')}://{host}{port}{url.target.decode('ascii')}"


async def _writing_within(
    sending: Coroutine[Any, Any, aiohttp.ClientResponse],
    body: _Body,
    write_timeout: float | None,
) -> aiohttp.ClientResponse:
    """Await ``sending``, failing with ``WriteTimeout`` when a streamed body makes no
    progress for ``write_timeout`` seconds (aiohttp has no write timeout: a server that
    stops reading an upload would hold it for ever)."""
    if write_timeout is None or body.done:  # nothing streamed: nothing to watch
        return await sending
    import httpcore

    task = asyncio.ensure_future(sending)
    loop = asyncio.get_running_loop()
    try:
        while True:
            left = write_timeout if body.done else body.progressed_at + write_timeout - loop.time()
            done, _ = await asyncio.wait({task}, timeout=max(left, 0.0))
            if done:
                return task.result()
            if not body.done and loop.time() - body.progressed_at >= write_timeout:
                raise httpcore.WriteTimeout(
                    f"no part of the body could be sent for {write_timeout:g} s"
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

    def __init__(self, stream: Iterable[bytes] | AsyncIterable[bytes]) -> None:
        assert isinstance(stream, AsyncIterable)  # httpx gives an AsyncClient's body so
        self._stream = stream
        self.failure: BaseException | None = None
        #: When a chunk was last taken to be written (the one before it was written).
        self.progressed_at = asyncio.get_running_loop().time()
        #: Every chunk written (or none to write): what remains is the server's answer.
        self.done = True

    async def data(self) -> bytes | AsyncIterator[bytes] | None:
        if isinstance(self._stream, httpx.ByteStream):  # bytes in memory: sent at once
            return b"".join([chunk async for chunk in self._stream]) or None
        self.done = False
        return self._chunks()  # aiohttp frames it (chunked, or by Content-Length)

    async def _chunks(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        try:
            async for chunk in self._stream:
                self.progressed_at = loop.time()
                yield chunk
        except Exception as exc:
            self.failure = exc
            raise
        finally:
            self.done = True


class _Stream:
    """An aiohttp response body, as it arrives."""

    def __init__(self, answer: aiohttp.ClientResponse) -> None:
        self._answer = answer

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._answer.content.iter_any():
                yield chunk
        except Exception as exc:
            raise _httpcore_error(exc, reading=True) from exc

    async def aclose(self) -> None:
        if self._answer.content.at_eof():
            self._answer.release()  # read whole: the connection goes back to the pool
        else:
            self._answer.close()  # left unread: the connection is dropped


def _httpcore_error(exc: BaseException, *, reading: bool) -> Exception:
    """The httpcore error (httpx maps it to its own) for an aiohttp one: what phase failed
    decides whether the request may have reached the server (see the module's docstring)."""
    import aiohttp
    import httpcore

    message = str(exc) or type(exc).__name__
    kind: type[Exception]
    if isinstance(exc, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
        kind = httpcore.ProxyError
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpcore.ConnectError  # refused, unknown host, certificate: nothing was sent
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpcore.ConnectTimeout
    elif isinstance(exc, (aiohttp.SocketTimeoutError, asyncio.TimeoutError)):
        kind = (
            httpcore.ReadTimeout
            if reading or isinstance(exc, aiohttp.SocketTimeoutError)
            else httpcore.PoolTimeout
        )
    elif isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        kind = httpcore.RemoteProtocolError  # it hung up, or the body broke off
    elif isinstance(exc, aiohttp.ClientResponseError):
        kind = httpcore.RemoteProtocolError  # not an HTTP answer aiohttp could read
    elif isinstance(exc, (aiohttp.ClientOSError, OSError)):
        kind = httpcore.ReadError if reading else httpcore.WriteError
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpcore.UnsupportedProtocol
    elif isinstance(exc, aiohttp.ClientError):
        kind = httpcore.ReadError if reading else httpcore.WriteError
    else:
        raise exc  # not the network's: a bug to see as it is
    return kind(message)
