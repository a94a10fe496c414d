"""The async transport over asyncio: HTTP/1.1 framing, connections kept and dropped,
errors mapped to httpx's by phase. Against small servers written here, byte by byte."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immich import AsyncClient
from immich._asyncio_http import STREAM_CHUNK, AsyncioTransport
from immich._concurrency import async_default_transport, async_direct_transport
from immich._connection import Connection
from immich._http11 import Answer

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
VERSION = b'{"major":3,"minor":0,"patch":3}'


class Served:
    def __init__(self, url: str) -> None:
        self.url = url
        self.connections = 0
        self.requests: list[bytes] = []  # heads, as they came


@contextlib.asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[Served]:
    """A server on 127.0.0.1 that runs ``handler`` for each connection."""
    served = Served("")
    talking: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.connections += 1
        task = asyncio.current_task()
        assert task is not None
        talking[task] = writer
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            talking.pop(task, None)

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    served.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server:
        try:
            yield served
        finally:
            # Python 3.12+ waits for every connection to close when a server stops:
            # hang up on those a handler still holds (a stalled answer, a kept one).
            for task, writer in list(talking.items()):
                writer.transport.abort()
                task.cancel()
            await asyncio.gather(*talking, return_exceptions=True)


async def read_request(reader: asyncio.StreamReader, served: Served) -> tuple[bytes, bytes]:
    """One request's head and body (sized or chunked); ``(b"", b"")`` when the client left."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return b"", b""
    served.requests.append(head)
    lowered = head.lower()
    if b"transfer-encoding: chunked" in lowered:
        body = b""
        while size := int((await reader.readline()).strip(), 16):
            body += await reader.readexactly(size)
            assert await reader.readexactly(2) == b"\r\n"
        assert await reader.readexactly(2) == b"\r\n"
        return head, body
    for line in lowered.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return head, await reader.readexactly(int(line.split(b":")[1]))
    return head, b""


def answering(*answers: bytes, then_close: bool = False) -> Callable[[Served], Handler]:
    """A handler that answers the requests of each connection with ``answers`` in turn
    (the last one over and over), then hangs up if told to."""

    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            index = 0
            while True:
                head, _ = await read_request(reader, served)
                if not head:
                    return
                writer.write(answers[min(index, len(answers) - 1)])
                await writer.drain()
                index += 1
                if then_close and index == len(answers):
                    return

        return handler

    return make


@contextlib.asynccontextmanager
async def server_of(make: Callable[[Served], Handler]) -> AsyncIterator[Served]:
    holder: list[Served] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await make(holder[0])(reader, writer)

    async with serve(handler) as served:
        holder.append(served)
        yield served


def ok(body: bytes = VERSION, *headers: bytes) -> bytes:
    extra = b"".join(h + b"\r\n" for h in headers)
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%b\r\n%b" % (len(body), extra, body)


@contextlib.asynccontextmanager
async def client(
    url: str, *, limits: httpx.Limits | None = None, timeout: float = 5.0
) -> AsyncIterator[httpx.AsyncClient]:
    transport = AsyncioTransport(**({"limits": limits} if limits else {}))
    async with httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout) as http:
        yield http


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


# -- the SDK's default ----------------------------------------------------------------


async def test_async_client_calls_share_one_connection_without_aiohttp() -> None:
    async with server_of(answering(ok())) as served, AsyncClient(served.url, api_key="k") as immich:
        transport = immich.http_client._transport
        assert isinstance(transport, AsyncioTransport)
        assert async_direct_transport(transport) is transport
        for _ in range(5):
            assert (await immich.server.get_server_version()).major == 3
        async with immich.assets.download_asset_stream("a1") as download:  # httpx's way
            assert b"".join([piece async for piece in download.aiter_bytes()]) == VERSION
    assert (len(served.requests), served.connections) == (6, 1)
    assert served.requests[0].startswith(b"GET /api/server/version HTTP/1.1\r\n")
    assert b"\r\nx-api-key: k\r\n" in served.requests[0].lower()


def test_proxies_in_the_environment_keep_httpx_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    assert async_default_transport(True) is None


# -- framing -------------------------------------------------------------------------


async def test_a_chunked_answer_is_put_together_and_its_connection_kept() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: yes\r\n\r\n"
    )
    async with server_of(answering(chunked)) as served, client(served.url) as http:
        for _ in range(3):
            response = await http.get("/x")
            assert response.content == b"hello world"
    assert served.connections == 1


async def test_a_body_the_connection_end_frames_is_read_whole_and_not_reused() -> None:
    answer = b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n" + b"x" * 300_000
    async with (
        server_of(answering(answer, then_close=True)) as served,
        client(served.url) as http,
    ):
        for _ in range(2):
            assert (await http.get("/x")).content == b"x" * 300_000
    assert served.connections == 2


async def test_an_http_1_0_answer_closes_its_connection_unless_kept_alive() -> None:
    old = b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok"
    kept = b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok"
    async with server_of(answering(old, then_close=True)) as served, client(served.url) as http:
        for _ in range(2):
            assert (await http.get("/x")).text == "ok"
        assert served.connections == 2
    async with server_of(answering(kept)) as served, client(served.url) as http:
        for _ in range(2):
            assert (await http.get("/x")).text == "ok"
        assert served.connections == 1


async def test_interim_answers_are_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n" + ok()
    async with server_of(answering(answer)) as served, client(served.url) as http:
        response = await http.get("/x")
        assert (response.status_code, response.content) == (200, VERSION)


async def test_answers_without_a_body_read_none() -> None:
    # A HEAD answer and a 304 carry a Content-Length but no body: reading one would hang.
    head_answer = b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"
    not_modified = b"HTTP/1.1 304 Not Modified\r\ncontent-length: 1000\r\n\r\n"
    async with (
        server_of(answering(head_answer, not_modified, ok())) as served,
        client(served.url, timeout=1.0) as http,
    ):
        assert (await http.head("/x")).content == b""
        assert (await http.get("/x")).status_code == 304
        assert (await http.get("/x")).content == VERSION
    assert served.connections == 1


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 2OO OK\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n spaced: name\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nabc",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
    ],
)
async def test_a_malformed_answer_is_a_protocol_error(answer: bytes) -> None:
    async with server_of(answering(answer)) as served, client(served.url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/x")


async def test_a_head_without_end_is_refused_past_its_limit() -> None:
    endless = b"HTTP/1.1 200 OK\r\n" + b"x-filler: " + b"y" * 100_000 + b"\r\n"
    async with server_of(answering(endless)) as served, client(served.url) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="too long"):
            await http.get("/x")


@pytest.mark.parametrize("streamed", [False, True])
async def test_a_body_cut_short_raises(streamed: bool) -> None:
    cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + b"x" * 40
    async with server_of(answering(cut, then_close=True)) as served, client(served.url) as http:

        async def read() -> None:
            if streamed:
                async with http.stream("GET", "/x") as response:
                    async for _ in response.aiter_raw():
                        pass
            else:
                await http.get("/x")

        with pytest.raises(httpx.RemoteProtocolError, match="received 40 bytes, expected 100"):
            await read()


async def test_a_large_body_streams_in_bounded_pieces_and_arrives_whole() -> None:
    body = bytes(range(256)) * (12 << 12)  # 12 MiB
    async with server_of(answering(ok(body))) as served, client(served.url) as http:
        digest = hashlib.sha256()
        sizes = []
        async with http.stream("GET", "/x") as response:
            async for piece in response.aiter_raw():
                digest.update(piece)
                sizes.append(len(piece))
        assert digest.digest() == hashlib.sha256(body).digest()
        assert max(sizes) <= STREAM_CHUNK
        assert (await http.get("/x")).content == body  # the same connection, whole
    assert served.connections == 1


async def test_a_stream_left_unread_closes_its_connection() -> None:
    async with server_of(answering(ok(b"x" * 100_000))) as served, client(served.url) as http:
        async with http.stream("GET", "/x") as response:
            assert response.status_code == 200
        assert (await http.get("/x")).content == b"x" * 100_000
    assert served.connections == 2


# -- requests ------------------------------------------------------------------------


async def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    async with server_of(answering(ok())) as served, client(served.url) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get("/x", headers={"x-evil": "a\r\nx-api-key: stolen"})
        assert (await http.get("/x")).content == VERSION
    assert len(served.requests) == 1


@pytest.mark.parametrize("sized", [True, False])
async def test_a_streamed_upload_arrives_whole(sized: bool) -> None:
    payload = [bytes([n]) * 70_000 for n in range(40)]
    received: list[bytes] = []

    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            _, body = await read_request(reader, served)
            received.append(body)
            writer.write(ok(b"done"))
            await writer.drain()

        return handler

    async def pieces() -> AsyncIterator[bytes]:
        for piece in payload:
            yield piece

    headers = {"content-length": str(sum(map(len, payload)))} if sized else None
    async with server_of(make) as served, client(served.url) as http:
        response = await http.post("/upload", content=pieces(), headers=headers)
        assert response.text == "done"
    assert received == [b"".join(payload)]
    assert (b"transfer-encoding: chunked" in served.requests[0].lower()) is not sized


async def test_a_local_read_error_of_an_upload_is_raised_as_it_is() -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"x" * 1000
        raise PermissionError("the file went away")

    async with server_of(answering(ok())) as served, client(served.url) as http:
        with pytest.raises(PermissionError, match="went away"):
            await http.post("/upload", content=failing())
        assert (await http.get("/x")).content == VERSION
    assert served.connections == 2  # the half-sent one was not reused


async def test_an_answer_sent_before_the_body_was_read_is_returned() -> None:
    # A server refusing a large upload answers at once and closes: the answer says more
    # than the broken pipe the rest of the body meets.
    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            served.requests.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 3\r\n\r\nbig")
            await writer.drain()
            writer.transport.abort()

        return handler

    async def huge() -> AsyncIterator[bytes]:
        for _ in range(400):
            yield b"x" * (1 << 20)
            await asyncio.sleep(0)

    async with server_of(make) as served, client(served.url) as http:
        response = await http.post("/upload", content=huge())
        assert (response.status_code, response.content) == (413, b"big")


# -- connections ---------------------------------------------------------------------


def dropping_the_second_request(served: Served) -> Handler:
    """Answers a connection's first request and closes it when the second comes (as a
    server whose keep-alive timeout ran out just then does); later connections answer."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = served.connections == 1
        count = 0
        while True:
            head, _ = await read_request(reader, served)
            if not head:
                return
            count += 1
            if first and count == 2:
                writer.transport.abort()
                return
            writer.write(ok())
            await writer.drain()

    return handler


async def test_an_idempotent_request_is_sent_again_when_a_reused_connection_was_closed() -> None:
    async with server_of(dropping_the_second_request) as served, client(served.url) as http:
        assert (await http.get("/x")).content == VERSION
        assert (await http.get("/x")).content == VERSION
    assert (len(served.requests), served.connections) == (3, 2)


async def test_a_post_is_not_sent_again_by_the_transport() -> None:
    async with server_of(dropping_the_second_request) as served, client(served.url) as http:
        await http.post("/x", content=b"{}")
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await http.post("/x", content=b"{}")
    assert (len(served.requests), served.connections) == (2, 1)


async def test_a_new_connection_closed_without_an_answer_is_not_retried() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")

    async with serve(handler) as served, client(served.url) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get("/x")
    assert served.connections == 1


async def test_a_silent_server_times_out_and_a_refused_connection_is_a_connect_error() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async with serve(silent) as served, client(served.url, timeout=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/x")
    async with client(served.url) as http:  # that server has stopped listening
        with pytest.raises(httpx.ConnectError):
            await http.get("/x")


async def test_connections_are_limited_and_waiting_for_one_times_out() -> None:
    release = asyncio.Event()

    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while (await read_request(reader, served))[0]:
                await release.wait()
                writer.write(ok())
                await writer.drain()

        return handler

    limits = httpx.Limits(max_connections=2)
    async with server_of(make) as served, client(served.url, limits=limits) as http:
        held = [asyncio.ensure_future(http.get("/x")) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout):
            await http.get("/x", timeout=httpx.Timeout(5.0, pool=0.1))
        release.set()
        answers = await asyncio.gather(*held, *(http.get("/x") for _ in range(6)))
        assert {a.content for a in answers} == {VERSION}
    assert served.connections == 2


async def test_a_cancelled_request_gives_its_connection_and_its_slot_up() -> None:
    stall = asyncio.Event()

    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while (await read_request(reader, served))[0]:
                if not stall.is_set():
                    stall.set()
                    await asyncio.sleep(10)
                writer.write(ok())
                await writer.drain()

        return handler

    limits = httpx.Limits(max_connections=1)
    async with server_of(make) as served, client(served.url, limits=limits) as http:
        waiting = asyncio.ensure_future(http.get("/x"))
        await stall.wait()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert (await http.get("/x", timeout=1.0)).content == VERSION
    assert served.connections == 2


def test_one_transport_serves_one_event_loop_after_another() -> None:
    # A notebook runs each cell's coroutine in asyncio.run: connections of a closed
    # loop are dropped, not reused.
    transport = AsyncioTransport()

    async def call() -> bytes:
        async with server_of(answering(ok())) as served:
            http = httpx.AsyncClient(base_url=served.url, transport=transport)
            return (await http.get("/x")).content

    assert asyncio.run(call()) == VERSION
    assert asyncio.run(call()) == VERSION


async def test_aclose_closes_idle_connections() -> None:
    closed = asyncio.Event()

    def make(served: Served) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await answering(ok())(served)(reader, writer)
            closed.set()

        return handler

    async with server_of(make) as served:
        async with client(served.url) as http:
            await http.get("/x")
            assert not closed.is_set()
        await asyncio.wait_for(closed.wait(), 2)


# -- the pieces on their own ------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=1, max_value=700), max_size=12),
    packets=st.integers(min_value=1, max_value=50),
)
def test_chunked_bodies_decode_however_they_are_cut(
    body: bytes, cuts: list[int], packets: int
) -> None:
    """Any chunking of any body, arriving in packets of any size, decodes to the body."""
    framed = b""
    rest = body
    for size in cuts:
        piece, rest = rest[:size], rest[size:]
        if piece:
            framed += b"%x\r\n%b\r\n" % (len(piece), piece)
    if rest:
        framed += b"%X;ext=1\r\n%b\r\n" % (len(rest), rest)
    framed += b"0\r\n\r\n"
    wire = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + framed

    async def decode() -> bytes:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            step = max(1, len(wire) // packets)
            for start in range(0, len(wire), step):
                writer.write(wire[start : start + step])
                await writer.drain()
                await asyncio.sleep(0)
            await reader.read()

        async with serve(handler) as served, client(served.url) as http:
            return (await http.get("/x")).content

    assert asyncio.run(decode()) == body


def test_answer_heads_are_parsed_by_the_rules() -> None:
    head = (
        b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\nX-Thing:  spaced value \r\n"
        b"Connection: keep-alive, Upgrade\r\n\r\n"
    )
    answer = Answer(head, "POST")
    assert (answer.status, answer.reason, answer.length, answer.keep_alive) == (
        201,
        "Created",
        10,
        True,
    )
    assert (b"X-Thing", b"spaced value") in answer.headers
    both = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n"
    assert (Answer(both, "GET").chunked, Answer(both, "GET").length) == (True, None)
    closing = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n"
    assert not Answer(closing, "GET").keep_alive
    gzip_only = b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n"
    assert (Answer(gzip_only, "GET").chunked, Answer(gzip_only, "GET").keep_alive) == (False, False)
    assert Answer(b"HTTP/1.1 103 Early Hints\r\n\r\n", "GET").interim
    assert not Answer(b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "GET").interim


async def test_a_connection_hands_out_what_arrived_without_copying_whole_packets() -> None:
    connection = Connection()
    packet = b"a" * 1000
    connection.data_received(packet)
    assert (await connection.read(5000, None)) is packet
    connection.data_received(b"head\r\n\r\nbody")
    assert await connection.read_until(b"\r\n\r\n", 100, None) == b"head\r\n\r\n"
    assert await connection.read(2, None) == b"bo"
    assert await connection.read(100, None) == b"dy"
    connection.eof_received()
    assert await connection.read(100, None) == b""
