"""The one request builder: an operation and Python values in, an ``httpx.Request`` out.

Pure and shared by both clients; nothing here sends anything.
"""

from __future__ import annotations

import datetime
import mimetypes
import os
from collections.abc import Mapping
from contextlib import ExitStack
from enum import Enum
from typing import IO, Any
from urllib.parse import quote

import attrs
import httpx

from immich._core import compat as _compat
from immich._core import json_codec as _json
from immich._core.compat import Dialect
from immich._core.converter import FILE_FIELD, converter, format_datetime
from immich._core.model import Model
from immich._core.naming import wire_name
from immich._core.operation import Operation
from immich._core.types import UNSET, FileInput

Params = Mapping[str, Any]

#: A request extension: which credentials go with the request and where they came from
#: ("the API key from IMMICH_API_KEY"), for the hint of an AuthenticationError.
CREDENTIALS = "immich.credentials"


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
    credentials: str | None = None,
) -> httpx.Request:
    """Build the request; files opened for a multipart body are registered on ``files``.

    ``dialect``: the server's release, when it is not the newest spec's (its request is
    then checked and reshaped by ``immich._core.compat``)."""
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
        extensions={CREDENTIALS: credentials},
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
        if isinstance(value, (list, tuple)):
            # Immich 3 reads a key given once as a string and refuses it where its schema
            # wants an array ("expected array, received string"); twice, it is an array.
            items = value * 2 if len(value) == 1 else value
        else:
            items = (value,)
        for item in items:
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
    filename = _compat.file_name(value)
    content: IO[bytes] | bytes
    if isinstance(value, tuple):
        content = value[1]
    elif isinstance(value, (str, os.PathLike)):
        content = files.enter_context(open(value, "rb"))  # noqa: SIM115 - closed by the caller's stack
    else:
        content = value
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, content_type
