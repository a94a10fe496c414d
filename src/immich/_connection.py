"""One connection to a server over asyncio, as the async transport reads and writes it.

An ``asyncio.Protocol`` rather than asyncio's streams: ``StreamReader`` copies every
byte received into a growing buffer and again out of it, which held a 200 MiB download
to 1,450 MB/s here. This keeps what arrived as it arrived (a queue of the ``bytes``
the event loop read) and hands pieces out without copying them where it can: 3,700 MB/s.

Timeouts are armed only when a call must wait: most reads of a small answer find
their bytes already here, and a timer per read was a tenth of a call's time.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

#: Reading from the socket pauses while this much is received and not yet taken.
HIGH_WATER = 1 << 20


if sys.version_info >= (3, 11):

    async def within(seconds: float | None, awaitable: Awaitable[T]) -> T:
        """``await awaitable``, raising ``TimeoutError`` after ``seconds`` (None: never)."""
        if seconds is None:
            return await awaitable
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def within(seconds: float | None, awaitable: Awaitable[T]) -> T:
        """``await awaitable``, raising ``TimeoutError`` after ``seconds`` (None: never)."""
        return await asyncio.wait_for(awaitable, seconds)


class HeadTooLong(Exception):
    """No separator within the first ``limit`` bytes."""


class Connection(asyncio.Protocol):
    """The bytes of one connection: what arrived, queued; what to send, with the event
    loop's flow control both ways.

    Reads raise the error the connection was lost with, or return what is left and
    then ``b""`` once the server closed it. Timeouts raise ``TimeoutError``; a timed
    out or cancelled read leaves the connection in an unknown state: close it.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._offset = 0  # into the first chunk: what was taken of it
        self._buffered = 0
        self._eof = False
        self._lost: Exception | None = None
        self._arrived: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None
        self._reading_paused = False

    # -- asyncio.Protocol ----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._buffered += len(data)
        if self._buffered > HIGH_WATER and not self._reading_paused and self.transport:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._lost = exc
        self._wake()
        writable, self._writable = self._writable, None
        if writable is not None and not writable.done():
            writable.set_result(None)  # drain() raises

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        writable, self._writable = self._writable, None
        if writable is not None and not writable.done():
            writable.set_result(None)

    def _wake(self) -> None:
        arrived = self._arrived
        if arrived is not None and not arrived.done():
            arrived.set_result(None)

    # -- for the transport -----------------------------------------------------------

    @property
    def reusable(self) -> bool:
        """Whether the connection may carry another request: open (not closed by the
        server, as one whose keep-alive timeout ran out is, nor by us) and with nothing
        unread (a server sends nothing unasked)."""
        transport = self.transport
        return not (self._eof or self._chunks or transport is None or transport.is_closing())

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    async def drain(self, timeout: float | None) -> None:
        """Wait until what was written has gone out to the socket, or most of it."""
        if self._writable is not None:
            await within(timeout, asyncio.shield(self._writable))
        if self.transport is None or self.transport.is_closing():
            raise self._lost or ConnectionResetError("the connection was closed")

    async def _wait(self, timeout: float | None) -> None:
        """Until more bytes, or the end, arrive."""
        arrived = self._arrived = asyncio.get_running_loop().create_future()
        try:
            await within(timeout, arrived)
        finally:
            self._arrived = None

    async def read(self, limit: int, timeout: float | None) -> bytes:
        """What arrived, up to ``limit`` bytes, waiting for some if none has; ``b""``
        once the connection has ended."""
        while not self._chunks:
            if self._eof:
                if self._lost is not None:
                    raise self._lost
                return b""
            await self._wait(timeout)
        return self._take(limit)

    async def read_exactly(self, size: int, timeout: float | None) -> bytes:
        """``size`` bytes, or fewer if the connection ends first."""
        pieces = []
        while size > 0 and (piece := await self.read(size, timeout)):
            pieces.append(piece)
            size -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    async def read_until(self, separator: bytes, limit: int, timeout: float | None) -> bytes:
        """The bytes up to and including ``separator``; fewer (or ``b""``) if the
        connection ends first. Raises :class:`HeadTooLong` past ``limit`` bytes."""
        while True:
            if self._chunks:
                first = self._chunks[0]
                found = first.find(separator, self._offset)
                if found >= 0:
                    return self._take(found + len(separator) - self._offset)
                if len(first) - self._offset > limit:
                    raise HeadTooLong(f"no {separator!r} within {limit} bytes")
                if len(self._chunks) > 1:  # cut across packets: join the first two
                    self._join_first_two()
                    continue
            if self._eof:
                if self._lost is not None:
                    raise self._lost
                return self._take(self._buffered)
            await self._wait(timeout)

    def _join_first_two(self) -> None:
        first = self._chunks.popleft()
        self._chunks[0] = first[self._offset :] + self._chunks[0]
        self._offset = 0

    def _take(self, limit: int) -> bytes:
        """Up to ``limit`` of what arrived, from the first chunk; a whole chunk as it is."""
        if not self._chunks:
            return b""
        first = self._chunks[0]
        start = self._offset
        end = start + limit
        if start == 0 and end >= len(first):
            piece = self._chunks.popleft()
        elif end >= len(first):
            piece = first[start:]
            self._chunks.popleft()
            self._offset = 0
        else:
            piece = first[start:end]
            self._offset = end
        self._buffered -= len(piece)
        if self._reading_paused and self._buffered <= HIGH_WATER and self.transport:
            self._reading_paused = False
            self.transport.resume_reading()
        return piece
