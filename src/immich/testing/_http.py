"""Transport-neutral request and response: what the transports and the loopback server hand
to the fake and get back from it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

# Big enough that a 100 MB download is a few hundred writes, small enough to stay cheap.
CHUNK_SIZE = 256 * 1024
# JSON bodies are small; this only stops a runaway body from filling memory.
MAX_JSON_BODY = 64 * 1024 * 1024


@dataclass
class FakeRequest:
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: Iterator[bytes] = field(default_factory=lambda: iter(()))

    def query_values(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    def query_value(self, name: str) -> str | None:
        """The parameter's first value, if it is there."""
        values = self.query_values(name)
        return values[0] if values else None

    def read_body(self, limit: int = MAX_JSON_BODY) -> bytes:
        received = bytearray()
        for chunk in self.body:
            received += chunk
            if len(received) > limit:
                raise ValueError(f"request body is larger than {limit} bytes")
        return bytes(received)

    def drain_body(self) -> None:
        """Consumes what the handler left unread, so a keep-alive connection stays in step."""
        for _ in self.body:
            pass

    def cookie(self, name: str) -> str | None:
        for header in self.headers.get_list("cookie"):
            for pair in header.split(";"):
                key, _, value = pair.strip().partition("=")
                if key == name:
                    return value
        return None


@dataclass
class FakeResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    # For streamed bodies of known size, and for HEAD answers (no body, the GET's length).
    content_length: int | None = None
    on_close: Callable[[], None] | None = None

    @property
    def length(self) -> int | None:
        if self.content_length is not None:
            return self.content_length
        if isinstance(self.body, bytes):
            return len(self.body)
        return None

    def iter_body(self) -> Iterator[bytes]:
        if isinstance(self.body, bytes):
            if self.body:
                yield self.body
            return
        for chunk in self.body:
            if chunk:
                yield chunk

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if callable(close):
            close()
        if self.on_close is not None:
            self.on_close()
            self.on_close = None


def json_response(
    status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()
) -> FakeResponse:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return FakeResponse(
        status,
        [("content-type", "application/json; charset=utf-8"), *headers],
        body,
    )


def empty_response(status: int = 204, headers: Iterable[tuple[str, str]] = ()) -> FakeResponse:
    return FakeResponse(status, list(headers))
