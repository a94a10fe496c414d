"""httpx transports that hand requests straight to the fake, without a socket."""

from __future__ import annotations

import tempfile
import urllib.parse
from collections.abc import AsyncIterator, Callable, Generator, Iterator

import httpx

from ._http import CHUNK_SIZE, FakeRequest, FakeResponse

Handle = Callable[[FakeRequest], FakeResponse]
# Async request bodies are spooled so the synchronous handler can read them; past this size
# the spool moves to a temporary file instead of memory.
_SPOOL_IN_MEMORY = 1024 * 1024


def _fake_request(request: httpx.Request, body: Iterator[bytes]) -> FakeRequest:
    query = urllib.parse.parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
    return FakeRequest(
        method=request.method,
        path=request.url.path,
        query=query,
        headers=httpx.Headers(request.headers),
        body=body,
    )


def _response_headers(response: FakeResponse) -> list[tuple[str, str]]:
    headers = list(response.headers)
    length = response.length
    if length is not None and response.status not in (204, 304):
        headers.append(("content-length", str(length)))
    return headers


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, response: FakeResponse) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        yield from self._response.iter_body()

    def close(self) -> None:
        self._response.close()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, response: FakeResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._response.iter_body():
            yield chunk

    async def aclose(self) -> None:
        self._response.close()


#: The URL a client of the fake's in-process transports uses when given none: the
#: clients read it from ``transport.in_memory_url`` (and warn about nothing crossing a
#: network: nothing does).
IN_MEMORY_URL = "http://immich.fake"


class FakeTransport(httpx.BaseTransport):
    in_memory_url = IN_MEMORY_URL

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        stream = request.stream
        if not isinstance(stream, httpx.SyncByteStream):
            raise TypeError("FakeTransport needs a synchronous request body")
        response = self._handle(_fake_request(request, iter(stream)))
        return httpx.Response(
            response.status, headers=_response_headers(response), stream=_SyncBody(response)
        )


def _iter_spool(spool: tempfile.SpooledTemporaryFile[bytes]) -> Generator[bytes, None, None]:
    with spool:
        spool.seek(0)
        while chunk := spool.read(CHUNK_SIZE):
            yield chunk


class FakeAsyncTransport(httpx.AsyncBaseTransport):
    """Runs the (synchronous, quick) handler on the event loop's thread. Response bodies are
    produced lazily, chunk by chunk, as the client reads them."""

    in_memory_url = IN_MEMORY_URL

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stream = request.stream
        if not isinstance(stream, httpx.AsyncByteStream):
            raise TypeError("FakeAsyncTransport needs an asynchronous request body")
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        try:
            async for chunk in stream:
                spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        body = _iter_spool(spool)
        try:
            response = self._handle(_fake_request(request, body))
        finally:
            body.close()
            spool.close()  # (also when the handler never read the body)
        return httpx.Response(
            response.status, headers=_response_headers(response), stream=_AsyncBody(response)
        )
