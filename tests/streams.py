"""Response bodies that misbehave, for either kind of client (the download tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Sends ``data`` and then fails as a dropped connection does."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self.data
        raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data
        raise httpx.ReadError("connection reset by peer")


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body in the chunks given."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
