"""HTTP/1.1 messages as bytes: a request's head and chunked body out, an answer's head
in and how its body is framed (the async transport's; the blocking one frames the
chunks of an upload with it too). No I/O here."""

from __future__ import annotations

import functools
import re

import httpx

_NO_BODY_STATUSES = frozenset({204, 304})
# What may not appear in a header: it would end the header, or the head, early.
_UNSAFE_HEADER = re.compile(rb"[\r\n\0]")


def request_head(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    """The request line and headers, ending with the empty line."""
    return _request_line(method, path) + _header_block(tuple(headers))


@functools.lru_cache(maxsize=256)
def _request_line(method: str, path: str) -> bytes:
    return f"{method} {path} HTTP/1.1\r\n".encode("ascii")


@functools.lru_cache(maxsize=256)
def _header_block(headers: tuple[tuple[bytes, bytes], ...]) -> bytes:
    """The headers as sent, checked once per set (a client sends the same few over and
    over): a line break in a name or value would smuggle in a header of its own."""
    for name, value in headers:
        if not name or b":" in name or _UNSAFE_HEADER.search(name) or _UNSAFE_HEADER.search(value):
            raise httpx.LocalProtocolError(f"header {name[:40]!r} holds a line break or NUL")
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"


def chunk(piece: bytes) -> bytes:
    """``piece`` framed as one chunk of a chunked request body."""
    return b"%x\r\n%b\r\n" % (len(piece), piece)


#: The end of a chunked body (no trailers).
LAST_CHUNK = b"0\r\n\r\n"


class Answer:
    """An answer's status line and headers (``head``, up to and including the empty
    line), and how the body after them is framed: ``length`` bytes, or ``chunked``, or
    (neither) until the connection ends."""

    __slots__ = ("chunked", "headers", "keep_alive", "length", "reason", "status")

    def __init__(self, head: bytes, method: str) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if (
            len(parts) < 2
            or parts[0] not in (b"HTTP/1.1", b"HTTP/1.0")
            or len(parts[1]) != 3
            or not parts[1].isdigit()
        ):
            raise httpx.RemoteProtocolError(f"malformed status line: {lines[0][:100]!r}")
        self.status = int(parts[1])
        self.reason = parts[2].decode("latin-1") if len(parts) == 3 else ""
        headers: list[tuple[bytes, bytes]] = []
        length: int | None = None
        chunked = False
        close = parts[0] == b"HTTP/1.0"  # unless it says keep-alive
        for line in lines[1:-2]:  # the head ends with an empty line
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise httpx.RemoteProtocolError(f"malformed header line: {line[:100]!r}")
            value = value.strip(b" \t")
            headers.append((name, value))
            lowered = name.lower()
            if lowered == b"content-length":
                if not value.isdigit() or (length is not None and int(value) != length):
                    raise httpx.RemoteProtocolError(f"bad Content-Length: {value[:40]!r}")
                length = int(value)
            elif lowered == b"transfer-encoding":
                # Chunked when it is the last coding; anything else runs to the end.
                chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
                close = close or not chunked
            elif lowered == b"connection":
                tokens = {token.strip() for token in value.lower().split(b",")}
                close = b"close" in tokens or (close and b"keep-alive" not in tokens)
        self.headers = headers
        if method == "HEAD" or self.status in _NO_BODY_STATUSES or self.status < 200:
            length, chunked = 0, False
        elif chunked:
            length = None  # Transfer-Encoding wins over Content-Length (RFC 9112, 6.3)
        self.length = length
        self.chunked = chunked
        # A body that only the connection's end frames leaves nothing to reuse.
        self.keep_alive = not close and (chunked or length is not None)

    @property
    def interim(self) -> bool:
        """A 1xx answer that another follows (100 Continue, 103 Early Hints)."""
        return self.status < 200 and self.status != 101
