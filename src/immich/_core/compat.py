"""Older servers: requests in the form their release takes, and what they send, read.

The models and methods are the newest spec's. ``immich._core.version_table`` (generated from
every spec the SDK knows) says where older releases differ. Before sending an operation
whose requests differ (``Operation.varies``), the client asks the server's version once
and picks the spec that serves it, the :class:`Dialect`; the request builder then hands
each part of the request to the functions here:

- what the server's release lacks (an operation, a parameter, a field, an enum value,
  a null) and the caller asked for raises :class:`UnsupportedByServerError` before
  anything is sent, naming it and the release that has it;
- what it requires and the newest spec dropped is filled in (:data:`FILLERS`: an
  upload to 2.x carries ``deviceAssetId`` and ``deviceId``);
- a field whose wire form differs is sent in the release's form.

Responses need no dialect: the converter reads a field's every known form (see
:func:`decode_form`), so one model decodes what any release sends.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, NamedTuple

import attrs

from immich._core.model import Model
from immich._core.naming import snake_case, wire_name
from immich._core.types import UNSET
from immich._core.version_table import (
    ENUM_VALUES,
    FIELDS,
    OPERATIONS,
    PARAMETERS,
    VERSIONS,
    Version,
)
from immich._errors import UnsupportedByServerError


class Dialect(NamedTuple):
    """The API as a server speaks it: the spec release that serves it, and its own."""

    spec: Version
    server: Version


def dialect_for(server: Version) -> Dialect | None:
    """The spec that serves ``server``: the newest one of its major.minor or older (a
    server older than every spec gets the oldest). None when that is the newest spec:
    then requests are sent as they are."""
    fitting = [v for v in VERSIONS if v[:2] <= server[:2]]
    spec = fitting[-1] if fitting else VERSIONS[0]
    return None if spec == VERSIONS[-1] else Dialect(spec, server)


def needs_dialect(
    operation_id: str, groups: Iterable[Mapping[str, Any] | None], body: Model | None
) -> bool:
    """Whether this call of an operation whose requests differ between releases
    (``Operation.varies``) uses something that differs: only then is the server's
    version needed. An album listing with no filter, say, is the same for all."""
    if operation_id in OPERATIONS:
        return True
    for group in groups:
        for wire, value in (group or {}).items():
            if value is UNSET or value is None:
                continue
            if (operation_id, wire) in PARAMETERS or _differing_enum(value):
                return True
    return body is not None and _model_differs(body)


def _model_differs(model: Model) -> bool:
    name = type(model).__name__
    history = FIELDS.get(name, {})
    for attribute in attrs.fields(type(model)):  # type: ignore[arg-type]
        value = getattr(model, attribute.name)
        if value is UNSET:
            continue  # not sent
        if _differing_enum(value):
            return True
        if isinstance(value, Model) and _model_differs(value):
            return True
        if isinstance(value, list) and any(
            isinstance(v, Model) and _model_differs(v) for v in value
        ):
            return True
        field = history.get(wire_name(attribute))
        if field is None:
            continue
        if (
            field.present != VERSIONS
            or field.forms
            or (value is None and field.nullable != field.present)
        ):
            return True
    return _fills_in_dropped_field(name)


@functools.cache
def _fills_in_dropped_field(model_name: str) -> bool:
    """Whether a field an older release requires and the newest dropped is always
    filled in for this model."""
    return any(
        set(f.required) - {VERSIONS[-1]} and VERSIONS[-1] not in f.present
        for f in FIELDS.get(model_name, {}).values()
    )


def _differing_enum(value: Any) -> bool:
    return any(
        isinstance(item, Enum) and str(item.value) in ENUM_VALUES.get(type(item).__name__, {})
        for item in (value if isinstance(value, list) else (value,))
    )


def check_operation(operation_id: str, method: str, dialect: Dialect) -> None:
    having = OPERATIONS.get(operation_id)
    if having is not None and dialect.spec not in having:
        raise _unsupported(method, having, dialect)


def check_parameters(
    operation_id: str, method: str, dialect: Dialect, *groups: Mapping[str, Any] | None
) -> None:
    """Parameters (path, query, headers; by wire name) the server's release does not
    take, or enum values it does not know: refused if given."""
    for group in groups:
        for wire, value in (group or {}).items():
            if value is UNSET or value is None:
                continue
            having = PARAMETERS.get((operation_id, wire))
            if having is not None and dialect.spec not in having:
                raise _unsupported(f"{method}({snake_case(wire)}=...)", having, dialect)
            _check_enum_values(value, method, dialect)


def adapt_json(method: str, body: Model, data: Any, dialect: Dialect) -> None:
    """Rewrite ``data``, the unstructured ``body``, in place into the release's form."""
    _adapt(method, body, data, dialect, nested=True)


def adapt_form(method: str, body: Model, fields: dict[str, Any], dialect: Dialect) -> None:
    """The same for a multipart or form body: ``fields`` holds its wire names and their
    values (text, or the file parts), one level deep."""
    _adapt(method, body, fields, dialect, nested=False)


def _adapt(
    method: str, body: Model, data: dict[str, Any], dialect: Dialect, *, nested: bool
) -> None:
    cls = type(body)
    for attribute in attrs.fields(cls):  # type: ignore[arg-type]
        value = getattr(body, attribute.name)
        _check_enum_values(value, method, dialect)
        wire = wire_name(attribute)
        if not nested or wire not in data:
            continue
        if isinstance(value, Model):
            _adapt(method, value, data[wire], dialect, nested=True)
        elif isinstance(value, list):
            for item, item_data in zip(value, data[wire], strict=True):
                if isinstance(item, Model):
                    _adapt(method, item, item_data, dialect, nested=True)
    schema = cls.__name__
    for wire, history in FIELDS.get(schema, {}).items():
        if dialect.spec not in history.present:
            if data.get(wire) is not None:
                raise _unsupported(f"{method}({snake_case(wire)}=...)", history.present, dialect)
            data.pop(wire, None)
            continue
        if wire not in data:
            if dialect.spec in history.required:
                data[wire] = _fill(method, schema, wire, body, dialect)
            continue
        if data[wire] is None and dialect.spec not in history.nullable:
            raise _unsupported(f"{method}({snake_case(wire)}=None)", history.nullable, dialect)
        form = dict(history.forms).get(dialect.spec)
        if form is not None:
            data[wire] = encode_form(form, data[wire])


def _check_enum_values(value: Any, method: str, dialect: Dialect) -> None:
    for item in value if isinstance(value, list) else (value,):
        if not isinstance(item, Enum):
            continue
        having = ENUM_VALUES.get(type(item).__name__, {}).get(str(item.value))
        if having is not None and dialect.spec not in having:
            raise _unsupported(
                f"{method} with {type(item).__name__} {item.value!r}", having, dialect
            )


def _unsupported(
    what: str, having: Iterable[Version], dialect: Dialect
) -> UnsupportedByServerError:
    newer = [v for v in having if v > dialect.spec]
    needed = ".".join(map(str, newer[0][:2])) if newer else "another release"
    return UnsupportedByServerError(what, needed, ".".join(map(str, dialect.server)))


# -- what older releases require and the newest spec dropped ---------------------------

#: The official tools' device id; the server keeps it on the asset as it is.
DEVICE_ID = "immich-sdk"


def device_asset_id(body: Model) -> str:
    """A file's id on "this device", stable across runs as the official CLI made it:
    its name and size, spaces removed (``IMG_0001.jpg-2391042``)."""
    name, size = _name_and_size(getattr(body, "asset_data", None))
    # (Control characters too: PostgreSQL refuses a NUL in text, and 2.x answers 500.)
    return re.sub(r"[\s\x00-\x1f\x7f]+", "", f"{name}-{size}" if size is not None else name)


def file_name(data: Any) -> str:
    """The name a file argument is uploaded under: a pair's name, a path's base name,
    ``file`` for bytes, else the file object's own name."""
    if isinstance(data, tuple):
        return str(data[0])
    if isinstance(data, (str, os.PathLike)):
        return os.path.basename(os.fspath(data))
    if isinstance(data, bytes):
        return "file"
    return os.path.basename(str(getattr(data, "name", "file")))


def _name_and_size(data: Any) -> tuple[str, int | None]:
    if isinstance(data, tuple):
        size = _size_of(data[1])
    elif isinstance(data, (str, os.PathLike)):
        size = os.path.getsize(data)
    else:
        size = _size_of(data)  # (bytes: their length)
    return file_name(data), size


def _size_of(content: Any) -> int | None:
    if isinstance(content, bytes):
        return len(content)
    try:
        return os.fstat(content.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


#: (schema, wire name) -> the value to send where the server's release requires a field
#: the newest spec does not have. ``tests/test_compat.py`` checks that every such field of
#: a request has one.
FILLERS: dict[tuple[str, str], Callable[[Model], Any]] = {
    ("AssetMediaCreateDto", "deviceAssetId"): device_asset_id,
    ("AssetMediaCreateDto", "deviceId"): lambda _: DEVICE_ID,
}


def _fill(method: str, schema: str, wire: str, body: Model, dialect: Dialect) -> Any:
    filler = FILLERS.get((schema, wire))
    if filler is None:
        server = ".".join(map(str, dialect.server))
        raise UnsupportedByServerError(
            f"{method} (Immich {server} requires {wire}, which this SDK cannot send)",
            ".".join(map(str, VERSIONS[-1][:2])),
            server,
        )
    return filler(body)


# -- wire forms ------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")


def encode_form(form: str, value: Any) -> Any:
    """A newest-spec value in an older release's form."""
    if form == "duration_text":
        return _map(value, _milliseconds_to_text)
    raise ValueError(f"unknown wire form {form!r}")


def decode_form(form: str, value: Any) -> Any:
    """A value in an older release's form (or already the newest form) as the newest
    spec has it."""
    if form == "duration_text":
        return _map(value, _text_to_milliseconds)
    raise ValueError(f"unknown wire form {form!r}")


def _map(value: Any, convert: Callable[[Any], Any]) -> Any:
    return [convert(item) for item in value] if isinstance(value, list) else convert(value)


def _milliseconds_to_text(value: Any) -> Any:
    """62500 -> ``"00:01:02.500"``, as 2.x writes durations (``hh:mm:ss.SSS``)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    seconds, milliseconds = divmod(value, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


_SECONDS = re.compile(r"^\s*(\d+(?:\.\d*)?)")


def _text_to_milliseconds(value: Any) -> Any:
    """``"0:01:02.500000"`` (2.x) -> 62500; an integer (3.x) or null as it is. 2.x writes
    ``"0:00:00.00000"`` where 3.x writes null (images): None. 2.x also passed on what
    exiftool wrote (``"5.5 s"``): its seconds are taken; text with no number in it is no
    duration (None) rather than an asset that cannot be read."""
    if not isinstance(value, str):
        return value
    match = _DURATION.match(value)
    if match is not None:
        hours, minutes, seconds = match.groups()
        total = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    elif plain := _SECONDS.match(value):
        total = round(float(plain.group(1)) * 1000)
    else:
        return None
    return total or None


def field_forms(schema: str) -> dict[str, tuple[str, ...]]:
    """Wire name -> the older forms a field of ``schema`` may come in (for the converter)."""
    return {
        wire: tuple(sorted({form for _, form in history.forms}))
        for wire, history in FIELDS.get(schema, {}).items()
        if history.forms
    }
