"""Command-line strings to the typed arguments of a generated API method.

The method's type hints decide: ``int``, ``float``, ``bool``, dates and datetimes,
enums (by value or member name, any case), lists (the option repeated, or one
comma-separated value, or a JSON array), and JSON for models and dicts (structured by
``immich.converter``, so keys are the wire's camelCase).
"""

from __future__ import annotations

import datetime
import enum
import json
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

import attrs

from immich._core.types import Unset

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})


class ConversionError(ValueError):
    """A value that does not fit the parameter; the message says what was expected."""


@dataclass(frozen=True)
class ParamType:
    """A parameter's annotation, taken apart: ``list[X] | None | Unset`` and the like."""

    base: Any
    is_list: bool = False
    nullable: bool = False
    optional: bool = False

    @property
    def is_flag(self) -> bool:
        return self.base is bool and not self.is_list

    @property
    def is_json(self) -> bool:
        return _is_json_type(self.base)

    def metavar(self) -> str:
        if self.is_flag:
            return ""
        base = self.base
        if isinstance(base, type) and issubclass(base, enum.Enum):
            name = "|".join(str(m.value) for m in base)
        elif self.is_json:
            name = "JSON"
        else:
            name = {
                int: "INTEGER",
                float: "NUMBER",
                str: "TEXT",
                datetime.datetime: "DATETIME",
                datetime.date: "DATE",
            }.get(base, "VALUE")
        return f"{name},..." if self.is_list and not self.is_json else name


def _union_members(annotation: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(annotation)
    return None


def param_type(annotation: Any) -> ParamType:
    """Takes ``T | None | Unset`` apart. A union of several real types (a file field:
    path, bytes or file object) is taken as its ``str`` member: the command line gives
    a path."""
    members = _union_members(annotation)
    nullable = optional = False
    if members is not None:
        optional = Unset in members
        nullable = type(None) in members
        rest = [m for m in members if m not in (Unset, type(None))]
        if len(rest) == 1:
            annotation = rest[0]
        elif str in rest:
            annotation = str
        elif float in rest:  # the per-call timeout: seconds, or an httpx.Timeout
            annotation = float
        else:
            annotation = Union[tuple(rest)]  # noqa: UP007 - built at run time
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (str,)
        return ParamType(item, is_list=True, nullable=nullable, optional=optional)
    return ParamType(annotation, nullable=nullable, optional=optional)


def _is_json_type(base: Any) -> bool:
    origin = typing.get_origin(base) or base
    return base is Any or origin is dict or (isinstance(origin, type) and attrs.has(origin))


def convert(values: list[str], kind: ParamType) -> Any:
    """The Python value for the strings given to one option (one per repetition)."""
    if kind.nullable and values == ["null"]:
        return None
    if kind.is_list:
        items: list[Any] = []
        for value in values:
            items.extend(_list_items(value, kind))
        if kind.is_json:
            return _structure(items, list[kind.base])  # type: ignore[name-defined]
        return items
    if len(values) > 1:
        raise ConversionError("given more than once")
    return convert_one(values[0], kind.base)


def _list_items(value: str, kind: ParamType) -> list[Any]:
    text = value.strip()
    if text.startswith("["):
        parsed = _json(text)
        if not isinstance(parsed, list):
            raise ConversionError("expected a JSON array")
        return parsed if kind.is_json else [convert_one(str(v), kind.base) for v in parsed]
    if kind.is_json:
        return [_json(text)]
    return [convert_one(part.strip(), kind.base) for part in text.split(",") if part.strip()]


def convert_one(value: str, base: Any) -> Any:
    if base is str:
        return value
    if base is bool:
        return parse_bool(value)
    if base is int:
        try:
            return int(value)
        except ValueError:
            raise ConversionError(f"expected a whole number, got {value!r}") from None
    if base is float:
        try:
            return float(value)
        except ValueError:
            raise ConversionError(f"expected a number, got {value!r}") from None
    if base is datetime.datetime:
        return parse_datetime(value)
    if base is datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ConversionError(f"expected a date such as 2024-05-31, got {value!r}") from None
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return parse_enum(value, base)
    if _is_json_type(base):
        return _structure(_json(value), base)
    raise ConversionError(f"values of type {base!r} cannot be given on the command line")


def parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConversionError(f"expected true or false, got {value!r}")


def parse_datetime(value: str) -> datetime.datetime:
    """ISO 8601: ``2024-05-31``, ``2024-05-31T18:30``, ``...Z`` or ``...+02:00``. A time
    without offset is local time, as people mean it on their own machine."""
    from immich._core.converter import parse_datetime as parse_wire

    text = value.strip()
    if text.lower() == "now":
        return datetime.datetime.now().astimezone()
    try:
        if len(text) == 10:  # a date alone: its start, local time
            return datetime.datetime.combine(
                datetime.date.fromisoformat(text), datetime.time()
            ).astimezone()
        has_offset = text[-1:] in "Zz" or "+" in text[10:] or "-" in text[10:]
        parsed = parse_wire(text)
    except ValueError:
        raise ConversionError(
            f"expected a date or time such as 2024-05-31 or 2024-05-31T18:30:00Z, got {value!r}"
        ) from None
    return parsed if has_offset else parsed.replace(tzinfo=None).astimezone()


def parse_enum(value: str, cls: type[enum.Enum]) -> enum.Enum:
    wanted = value.strip().lower()
    for member in cls:
        if wanted in (str(member.value).lower(), member.name.lower()):
            return member
    choices = ", ".join(str(member.value) for member in cls)
    raise ConversionError(f"expected one of {choices}; got {value!r}")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConversionError(f"invalid JSON ({exc})") from None


def _structure(data: Any, annotation: Any) -> Any:
    from immich import converter

    try:
        return converter.structure(data, annotation)
    except Exception as exc:
        raise ConversionError(
            f"does not match the expected structure: {_first_error(exc)}"
        ) from None


def _first_error(exc: BaseException) -> str:
    # cattrs groups errors per field; the innermost one says what is wrong.
    nested = getattr(exc, "exceptions", None)
    while nested:
        exc = nested[0]
        nested = getattr(exc, "exceptions", None)
    notes = getattr(exc, "__notes__", None)
    where = f" ({notes[0]})" if notes else ""
    return f"{type(exc).__name__}: {exc}{where}"
