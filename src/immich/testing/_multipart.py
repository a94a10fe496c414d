"""A streaming ``multipart/form-data`` parser: file parts flow into caller-supplied sinks
chunk by chunk, so an upload never has to fit in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser
from typing import Generic, Protocol, TypeVar

_MAX_HEADER_BLOCK = 16 * 1024
_MAX_TEXT_FIELD = 1024 * 1024


class MultipartError(ValueError):
    pass


class PartSink(Protocol):
    def write(self, data: bytes) -> None: ...


SinkT = TypeVar("SinkT", bound=PartSink)


@dataclass
class FilePart(Generic[SinkT]):
    filename: str
    content_type: str
    sink: SinkT


@dataclass
class MultipartForm(Generic[SinkT]):
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, FilePart[SinkT]] = field(default_factory=dict)


def boundary_of(content_type: str | None) -> bytes:
    message = Message()
    message["content-type"] = content_type or ""
    if message.get_content_type() != "multipart/form-data":
        raise MultipartError("expected a multipart/form-data body")
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise MultipartError("multipart body without a boundary")
    return boundary.encode("latin-1")


class _Buffer:
    """Bytes pulled from the body on demand."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        # The leading CRLF lets the first delimiter be found like every later one.
        self.data = bytearray(b"\r\n")
        self.exhausted = False

    def fill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self.data += chunk
                return True
        self.exhausted = True
        return False

    def take(self, count: int) -> bytes:
        taken = bytes(self.data[:count])
        del self.data[:count]
        return taken


def parse_multipart(
    chunks: Iterable[bytes],
    boundary: bytes,
    open_file: Callable[[str, str, str], SinkT],
) -> MultipartForm[SinkT]:
    """Parses the body; ``open_file(field_name, filename, content_type)`` supplies each file
    part's sink. Raises MultipartError on a malformed body."""
    delimiter = b"\r\n--" + boundary
    buffer = _Buffer(chunks)
    form: MultipartForm[SinkT] = MultipartForm()

    _skip_preamble(buffer, delimiter)
    while True:
        while len(buffer.data) < 2:
            if not buffer.fill():
                raise MultipartError("multipart body ends inside a delimiter")
        if buffer.data.startswith(b"--"):
            return form
        headers = _read_part_headers(buffer)
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise MultipartError("multipart part without a field name")
        filename = headers.get_filename()
        if filename is None:
            text = bytearray()
            for piece in _iter_part_body(buffer, delimiter):
                text += piece
                if len(text) > _MAX_TEXT_FIELD:
                    raise MultipartError(f"form field {name} is too large")
            form.fields[name] = text.decode("utf-8", errors="replace")
        else:
            content_type = headers.get_content_type()
            sink = open_file(name, filename, content_type)
            form.files[name] = FilePart(filename, content_type, sink)
            for piece in _iter_part_body(buffer, delimiter):
                sink.write(piece)


def _skip_preamble(buffer: _Buffer, delimiter: bytes) -> None:
    while True:
        position = buffer.data.find(delimiter)
        if position >= 0:
            del buffer.data[: position + len(delimiter)]
            return
        # Keep a possible partial delimiter at the end.
        keep = len(delimiter) - 1
        if len(buffer.data) > keep:
            del buffer.data[: len(buffer.data) - keep]
        if not buffer.fill():
            raise MultipartError("multipart body without any part")


def _read_part_headers(buffer: _Buffer) -> Message:
    while True:
        end = buffer.data.find(b"\r\n\r\n")
        if end >= 0:
            break
        if len(buffer.data) > _MAX_HEADER_BLOCK or not buffer.fill():
            raise MultipartError("malformed multipart part headers")
    block = buffer.take(end + 4)
    # The block starts with the CRLF (or transport padding) that ends the delimiter line.
    _, _, header_lines = block.partition(b"\r\n")
    return HeaderParser().parsestr(header_lines.decode("utf-8", errors="surrogateescape"))


def _iter_part_body(buffer: _Buffer, delimiter: bytes) -> Iterator[bytes]:
    while True:
        position = buffer.data.find(delimiter)
        if position >= 0:
            if position:
                yield buffer.take(position)
            del buffer.data[: len(delimiter)]
            return
        # Everything but a possible partial delimiter at the end is part data.
        safe = len(buffer.data) - (len(delimiter) - 1)
        if safe > 0:
            yield buffer.take(safe)
        if not buffer.fill():
            raise MultipartError("multipart body ends inside a part")
