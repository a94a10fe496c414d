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

from immich import _json
from immich._converter import FILE_FIELD, converter, format_datetime, wire_name
from immich._model import Model
from immich._operation import Operation
from immich._types import UNSET, FileInput

Params = Mapping[str, Any]


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    base_url: httpx.URL,
    operation: Operation,
    files: ExitStack,
    *,
    path: Params | None = None,
    query: Params | None = None,
    headers: Params | None = None,
    body: Model | None = None,
    timeout: Any = UNSET,
) -> httpx.Request:
    """Build the request; files opened for a multipart body are registered on ``files``."""
    url = operation.path
    for name, value in (path or {}).items():
        text = _text(value)
        if not text:
            # An empty segment would silently address another endpoint.
            raise ValueError(f"{operation.name}: path parameter {name!r} must not be empty")
        url = url.replace("{" + name + "}", quote(text, safe=""))
    content: bytes | None = None
    data: dict[str, Any] | None = None
    multipart: dict[str, Any] | None = None
    request_headers = {
        k: _header_value(operation, k, v) for k, v in (headers or {}).items() if v is not UNSET
    }
    if body is not None:
        if operation.body == "json":
            content = _json.dumps(converter.unstructure(body))
            request_headers["content-type"] = "application/json"
        elif operation.body == "form":
            data = {k: _text(v) for k, v in converter.unstructure(body).items() if v is not None}
        else:
            data, multipart = _multipart_fields(body, files)
    return http.build_request(
        operation.method,
        # Absolute, so that an httpx client handed in by the caller needs no base_url.
        str(base_url) + url.lstrip("/"),
        params=_query(query) if query else None,
        headers=request_headers,
        content=content,
        data=data,
        files=multipart,
        timeout=httpx.USE_CLIENT_DEFAULT if timeout is UNSET else timeout,
    )


def _header_value(operation: Operation, name: str, value: Any) -> str:
    text = _text(value)
    if not text.isascii():
        raise ValueError(f"{operation.name}: header {name!r} must be ASCII, got {text!r}")
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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _multipart_fields(body: Model, files: ExitStack) -> tuple[dict[str, Any], dict[str, Any]]:
    data: dict[str, Any] = {}
    uploads: dict[str, Any] = {}
    for field in attrs.fields(type(body)):  # type: ignore[arg-type]
        value = getattr(body, field.name)
        if value is UNSET or value is None:
            continue
        name = wire_name(field)
        if field.metadata.get(FILE_FIELD):
            uploads[name] = _file_part(value, files)
        elif isinstance(value, (list, dict)) or attrs.has(type(value)):
            data[name] = _json.dumps(converter.unstructure(value)).decode()
        else:
            data[name] = _text(value)
    return data, uploads


def _file_part(value: FileInput, files: ExitStack) -> tuple[str, IO[bytes] | bytes, str]:
    """``(filename, stream, content type)``; a path is opened here and streamed, never read whole."""
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
