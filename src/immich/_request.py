"""The one request builder: an operation and Python values in, an ``httpx.Request`` out.

Pure and shared by both clients; nothing here sends anything.
"""

from __future__ import annotations

import datetime
import functools
import mimetypes
import os
import re
from collections.abc import Mapping
from contextlib import ExitStack
from enum import Enum
from typing import IO, Any, NamedTuple, Protocol
from urllib.parse import quote

import attrs
import httpx

from immich import _compat, _json
from immich._compat import Dialect
from immich._converter import FILE_FIELD, converter, format_datetime, wire_name
from immich._model import Model
from immich._operation import Operation
from immich._types import UNSET, FileInput

Params = Mapping[str, Any]

#: A request extension: the caller reads the whole body anyway (``send(stream=False)``),
#: so a transport that knows it (``immich._asyncio_http``) reads it at once rather than
#: handing over a stream to iterate. Others ignore it.
READ_BODY = "immich.read_body"


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    base_url: httpx.URL | str,
    operation: Operation,
    files: ExitStack,
    *,
    path: Params | None = None,
    query: Params | None = None,
    headers: Params | None = None,
    body: Model | None = None,
    timeout: Any = UNSET,
    dialect: Dialect | None = None,
) -> httpx.Request:
    """Build the request; files opened for a multipart body are registered on ``files``.

    ``dialect``: the server's release, when it is not the newest spec's (its request is
    then checked and reshaped by ``immich._compat``)."""
    prepared = prepare(
        http,
        base_url,
        operation,
        path=path,
        query=query,
        headers=headers,
        body=body,
        timeout=timeout,
        dialect=dialect,
    )
    if prepared is not None:
        return prepared.request()
    if dialect is not None:
        _compat.check_parameters(
            operation.operation_id, operation.name, dialect, path, query, headers
        )
    target = _target(base_url, operation, path)
    request_headers = _headers(operation, headers)
    content: bytes | None = None
    data: dict[str, Any] | None = None
    multipart: dict[str, Any] | None = None
    if body is not None:
        if operation.body == "json":
            content = _json_body(operation, body, dialect)
            request_headers["content-type"] = "application/json"
        elif operation.body == "form":
            fields = converter.unstructure(body)
            if dialect is not None:
                _compat.adapt_form(operation.name, body, fields, dialect)
            data = {k: _text(v) for k, v in fields.items() if v is not None}
        else:
            data, multipart = _multipart_fields(operation, body, files, dialect)
    return http.build_request(
        operation.method,
        target,
        params=_query(query) if query else None,
        headers=request_headers,
        content=content,
        data=data,
        files=multipart,
        timeout=httpx.USE_CLIENT_DEFAULT if timeout is UNSET else timeout,
    )


class Prepared:
    """A request with a body in memory (or none), ready to send: what an ``httpx.Request``
    would hold, worked out without making one. ``request()`` makes it; a transport that
    can (``immich._asyncio_http``, ``immich._httpclient``) sends it as it is (see
    ``AsyncClient._fetch``)."""

    __slots__ = (
        "_url",
        "content",
        "headers",
        "http",
        "method",
        "origin",
        "path",
        "target",
        "timeout",
    )

    def __init__(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        target: str,
        origin: Origin,
        path: str,
        headers: httpx.Headers,
        content: bytes | None,
        timeout: dict[str, float | None],
        url: httpx.URL | None = None,
    ) -> None:
        self.http = http
        self.method = method
        #: The URL as text, as ``str(httpx.URL(...))`` has it.
        self.target = target
        #: ``(scheme, host, port)``: where to connect.
        self.origin = origin
        #: The path and query, as sent in the request line.
        self.path = path
        #: Shared by every request with the same headers: copied, never changed.
        self.headers = headers
        self.content = content
        #: httpx's ``timeout`` request extension.
        self.timeout = timeout
        self._url = url

    @property
    def url(self) -> httpx.URL:
        """The URL, parsed (only when asked: parsing is most of the cost of a request)."""
        if self._url is None:
            self._url = httpx.URL(self.target)
        return self._url

    def request(self) -> httpx.Request:
        """The ``httpx.Request`` that ``http.build_request`` makes of the same arguments."""
        request = httpx.Request(
            self.method,
            self.url,
            headers=self.headers,  # copied (a list copy: httpx.Headers of httpx.Headers)
            stream=httpx.ByteStream(self.content or b""),
            extensions={"timeout": self.timeout},
        )
        request.read()  # as httpx does for a body in memory: transports may take .content
        if self.http.cookies:
            self.http.cookies.set_cookie_header(request)
        return request


class Fetched:
    """An answer read whole by a direct transport, not (yet) made into an httpx.Response.

    ``body`` is as it came: still encoded if it has a Content-Encoding; and whole (a body
    shorter than its Content-Length raises an httpx.TransportError instead).
    """

    __slots__ = ("body", "headers", "reason", "status")

    def __init__(
        self,
        status: int,
        reason: str,
        headers: list[tuple[bytes, bytes]] | list[tuple[str, str]],
        body: bytes,
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = httpx.Headers(headers)  # case-insensitive
        self.body = body

    def response(self, request: httpx.Request) -> httpx.Response:
        """The httpx.Response the transport would have returned for ``request``: its body
        read, as ``Response.read()`` leaves it."""
        result = httpx.Response(
            self.status,
            headers=self.headers,
            stream=httpx.ByteStream(self.body),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": self.reason.encode()},
        )
        result.read()  # decodes a Content-Encoding, as httpx's transports leave it to
        return result


class AsyncDirectTransport(Protocol):
    """A transport that can also send a ``Prepared`` request and read its answer without
    making httpx's Request and Response objects (which take longer than a small call)."""

    def can_fetch(self) -> bool: ...
    async def fetch(self, prepared: Prepared) -> Fetched: ...


class DirectTransport(Protocol):
    def can_fetch(self) -> bool: ...
    def fetch(self, prepared: Prepared) -> Fetched: ...


def prepare(
    http: httpx.Client | httpx.AsyncClient,
    base_url: httpx.URL | str,
    operation: Operation,
    *,
    path: Params | None = None,
    query: Params | None = None,
    headers: Params | None = None,
    body: Model | None = None,
    timeout: Any = UNSET,
    dialect: Dialect | None = None,
) -> Prepared | None:
    """The request of a call without files or form fields, on a plain httpx client
    (no query parameters of its own), as ``http.build_request`` would make it: its
    headers merged with ours (ours win), ``Host`` and ``Content-Length`` added, its
    timeout, its cookies (in ``request()``). None for any other call.

    In a fraction of httpx's time: the API root is parsed once and the headers merged
    and normalised once per combination (see _parse_base and _merged_headers).
    """
    if (body is not None and operation.body != "json") or type(http) not in _PLAIN_CLIENTS:
        return None
    if http.params:
        return None
    if dialect is not None:
        _compat.check_parameters(
            operation.operation_id, operation.name, dialect, path, query, headers
        )
    root = str(base_url)
    tail = _path(operation, path)
    request_headers = _headers(operation, headers)
    content = None
    if body is not None:
        content = _json_body(operation, body, dialect)
        request_headers["content-type"] = "application/json"
    params = _query(query) if query else None
    base = _parse_base(root)
    url: httpx.URL | None = None
    if not params and base is not None and _NORMAL_PATH.fullmatch(tail):
        # As httpx would parse it, without parsing it: the base is, and the rest needs
        # no normalising (no dot segments, nothing to percent-encode).
        target, origin, netloc, request_path = (
            root + tail,
            base.origin,
            base.netloc,
            base.path + tail,
        )
    else:
        url = httpx.URL(root + tail, params=params) if params else httpx.URL(root + tail)
        target, netloc, request_path = str(url), url.netloc, url.raw_path.decode("ascii")
        origin = origin_of(url)
    method = operation.method
    if content:
        length: bytes | None = str(len(content)).encode("ascii")
    else:
        length = b"0" if method in _BODY_METHODS else None
    merged = _merged_headers(
        netloc, tuple(http.headers.raw), tuple(request_headers.items()), length
    )
    limits = http.timeout if timeout is UNSET else httpx.Timeout(timeout)
    return Prepared(
        http, method, target, origin, request_path, merged, content, limits.as_dict(), url
    )


def _json_body(operation: Operation, body: Model, dialect: Dialect | None) -> bytes:
    data = converter.unstructure(body)
    if dialect is not None:
        _compat.adapt_json(operation.name, body, data, dialect)
    return _json.dumps(data)


def _target(base_url: httpx.URL | str, operation: Operation, path: Params | None) -> str:
    """The absolute URL (a client handed in needs no base_url), path parameters filled in."""
    return str(base_url) + _path(operation, path)


def _path(operation: Operation, path: Params | None) -> str:
    """The operation's path below the API root, its parameters filled in and quoted."""
    url = operation.path
    for name, value in (path or {}).items():
        text = "" if value is None else _text(value)
        if text in ("", ".", ".."):
            # An empty or dot segment is dropped when the URL is normalised, and the
            # request would reach another endpoint ("albums/../assets" is "assets").
            raise ValueError(
                f"{operation.name}: path parameter {name!r} must not be empty, None or a "
                f"dot segment (got {value!r})"
            )
        url = url.replace("{" + name + "}", quote(text, safe=""))
    return url.lstrip("/")


def _headers(operation: Operation, headers: Params | None) -> dict[str, str]:
    return {k: _header_value(operation, k, v) for k, v in (headers or {}).items() if v is not UNSET}


_PLAIN_CLIENTS = (httpx.Client, httpx.AsyncClient)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What httpx leaves as it is in a path: unreserved characters, slashes, percent escapes.
_NORMAL_PATH = re.compile(r"(?:[A-Za-z0-9_.~/-]|%[0-9A-F]{2})*")


def origin_of(url: httpx.URL) -> Origin:
    """Where a request to ``url`` connects: ``(scheme, host, port)``."""
    return (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))


class _Base(NamedTuple):
    origin: Origin
    netloc: bytes
    path: str


@functools.lru_cache(maxsize=16)
def _parse_base(root: str) -> _Base | None:
    """The API root's parts, when the URLs below it may be made by appending to it: the
    root is as httpx writes it, with no query or fragment. Parsing a URL is most of the
    time httpx takes to build a request; the root is parsed once."""
    url = httpx.URL(root)
    if str(url) != root or url.query or url.fragment or not root.endswith("/"):
        return None
    return _Base(origin_of(url), url.netloc, url.raw_path.decode("ascii"))


@functools.lru_cache(maxsize=256)
def _merged_headers(
    netloc: bytes,
    client: tuple[tuple[bytes, bytes], ...],
    ours: tuple[tuple[str, str], ...],
    length: bytes | None,
) -> httpx.Headers:
    """The client's headers, then ours in their place, with ``Host`` and ``Content-Length``
    when neither side set them: httpx's merge, remembered."""
    mine = [(name.lower().encode("ascii"), value.encode("ascii")) for name, value in ours]
    replaced = {name for name, _ in mine}
    raw = [(name, value) for name, value in client if name.lower() not in replaced] + mine
    names = {name.lower() for name, _ in raw}
    auto = [] if b"host" in names else [(b"Host", netloc)]
    if length is not None and b"content-length" not in names and b"transfer-encoding" not in names:
        if length == b"0":
            auto.append((b"Content-Length", length))  # where httpx puts the one of an empty body
        else:
            raw.append((b"Content-Length", length))
    return httpx.Headers(auto + raw)


def _header_value(operation: Operation, name: str, value: Any) -> str:
    text = _text(value)
    if not text.isascii():
        # The value is not repeated: headers carry credentials.
        raise ValueError(f"{operation.name}: header {name!r} must be ASCII")
    return text


def _query(query: Params) -> list[tuple[str, str | int | float | bool | None]]:
    # Arrays go out repeated (?ids=a&ids=b), as the server's query parser expects.
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in query.items():
        if value is UNSET or value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else (value,):
            pairs.append((name, _text(item)))
    return pairs


def _text(value: Any) -> str:
    """A scalar as the server reads it in a path, query, header or form field."""
    if type(value) is str:  # the usual case, first (a str enum is not exactly str)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _multipart_fields(
    operation: Operation, body: Model, files: ExitStack, dialect: Dialect | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    file_fields: dict[str, str] = {}  # wire name -> argument name
    for field in attrs.fields(type(body)):  # type: ignore[arg-type]
        value = getattr(body, field.name)
        if value is UNSET or value is None:
            continue
        values[wire_name(field)] = value
        if field.metadata.get(FILE_FIELD):
            file_fields[wire_name(field)] = field.name
    if dialect is not None:
        _compat.adapt_form(operation.name, body, values, dialect)
    data: dict[str, Any] = {}
    uploads: dict[str, Any] = {}
    for name, value in values.items():
        if name in file_fields:
            uploads[name] = _file_part(file_fields[name], value, files)
        elif isinstance(value, (list, dict)) or attrs.has(type(value)):
            data[name] = _json.dumps(converter.unstructure(value)).decode()
        else:
            data[name] = _text(value)
    return data, uploads


def _file_part(
    argument: str, value: FileInput, files: ExitStack
) -> tuple[str, IO[bytes] | bytes, str]:
    """``(filename, stream, content type)``; a path is opened here and streamed, never read whole."""
    if not isinstance(value, (tuple, str, os.PathLike, bytes)) and not hasattr(value, "read"):
        raise TypeError(
            f"{argument} takes a path, bytes, a binary file or a (filename, file) pair, "
            f"not {type(value).__name__}"
        )
    if isinstance(value, tuple):
        filename, content = value
    elif isinstance(value, (str, os.PathLike)):
        filename = os.path.basename(os.fspath(value))
        content = files.enter_context(open(value, "rb"))  # noqa: SIM115 - closed by the caller's stack
    elif isinstance(value, bytes):
        filename, content = "file", value
    else:
        filename, content = os.path.basename(str(getattr(value, "name", "file"))), value
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, content_type
