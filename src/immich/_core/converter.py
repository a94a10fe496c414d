"""The one cattrs converter that maps models to wire JSON and back, for both clients.

Hooks are registered once, here. Field names are snake_case in Python and camelCase on
the wire; a generated field whose wire name is not plain camelCase carries it in its
metadata (``metadata={"wire": ...}``). Decoding checks types, never patterns or ranges:
real servers hand out UUIDs the spec's patterns reject.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import sys
from enum import Enum
from typing import Any, Union

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from immich._core import compat as _compat
from immich._core import json_codec as _json
from immich._core.model import Model
from immich._core.naming import wire_name
from immich._core.open_enum import OpenIntEnum, OpenStrEnum
from immich._core.types import UNSET, FileInput, Unset

#: Metadata key of the fields that a multipart body sends as files.
FILE_FIELD = "file"


# Python 3.10's fromisoformat takes neither "Z" nor fractions other than 3 or 6 digits.
_FRACTION = re.compile(r"\.(\d+)")


def parse_datetime(value: str) -> datetime.datetime:
    """Parse an ISO 8601 timestamp leniently; a value without offset is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if sys.version_info < (3, 11):
        text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def format_datetime(value: datetime.datetime) -> str:
    """As the server writes and reads timestamps (JavaScript's ``toISOString``): in UTC,
    to the millisecond, ``2024-05-01T10:20:30.000Z``. (The server reads any offset and
    keeps milliseconds, so nothing it would keep is lost.)"""
    if not isinstance(value, datetime.datetime):
        # A string would go out as it is, for the server to refuse or misread.
        raise TypeError(
            f"expected a datetime, got {type(value).__name__} {value!r}; pass an aware "
            "datetime, e.g. datetime(2024, 1, 1, tzinfo=timezone.utc)"
        )
    if value.tzinfo is None:
        raise ValueError(
            f"naive datetime {value.isoformat()} has no timezone; pass an aware datetime, "
            "e.g. datetime.now(timezone.utc) or dt.astimezone()"
        )
    utc = value.astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _structure_datetime(value: Any, _: type) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if sys.version_info >= (3, 11) and type(value) is str:
        # What the server sends ("2024-01-02T03:04:05.000Z") in one call: a fifth of the
        # time to decode an asset went on its eight timestamps.
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return parse_datetime(value)  # (surrounding spaces, a lowercase "z")
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)
    return parse_datetime(value)


def _structure_date(value: Any, _: type) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value[:10])


def _structure_enum(value: Any, cls: type[Enum]) -> Enum:
    # A known value is looked up directly: calling the class takes five times as long.
    # The generated enums accept unknown values too (see immich._core.open_enum).
    try:
        return cls._value2member_map_[value]
    except (KeyError, TypeError):  # unknown, or unhashable
        return cls(value)


def _structure_passthrough(value: Any, _: type) -> Any:
    return value


def _structure_json_object(value: Any, _: type) -> dict[str, Any]:
    """A free-form object (``dict[str, Any]``). Immich stores some as JSON text and sends
    them so (an album notification's ``data``: ``JSON.stringify({albumId})`` in
    ``notification.service.ts``, 2.7.5 and 3.0.3): that text is read as the object."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # (not JSON: refused below)
            value = _json.loads(value)
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Model) and attrs.has(cls)


def _renames(cls: type[Model]) -> dict[str, Any]:
    return {f.name: override(rename=wire_name(f)) for f in attrs.fields(cls)}  # type: ignore[arg-type]


def _make_structure(cls: type[Model], converter: cattrs.Converter) -> Any:
    overrides = _renames(cls)
    forms = _compat.field_forms(cls.__name__)
    if forms:
        # Fields an older release sends in another form (2.x durations as text) read
        # either form, so one model decodes what every release sends.
        attrs.resolve_types(cls)  # type: ignore[type-var]
        for field in attrs.fields(cls):  # type: ignore[arg-type]
            if (wire := wire_name(field)) in forms:
                hook = _reading_forms(converter, field.type, forms[wire])
                overrides[field.name] = override(rename=wire, struct_hook=hook)
    return make_dict_structure_fn(cls, converter, **overrides)


def _reading_forms(converter: cattrs.Converter, tp: Any, forms: tuple[str, ...]) -> Any:
    def structure(value: Any, _: type) -> Any:
        for form in forms:
            value = _compat.decode_form(form, value)
        return converter.structure(value, tp)

    return structure


def _make_unstructure(cls: type[Model], converter: cattrs.Converter) -> Any:
    renames = _renames(cls)
    # UNSET is every optional field's default: omitting defaults drops exactly the UNSETs.
    return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **renames)


def _structure_union(converter: cattrs.Converter) -> Any:
    """Members of ``Model | Model`` unions (edit parameters) are told apart by trying each."""

    def factory(union: Any) -> Any:
        options = [o for o in union.__args__ if o is not type(None) and o is not Unset]

        def structure(value: Any, _: type) -> Any:
            if value is None or value is UNSET:
                return value
            for option in options:
                try:
                    return converter.structure(value, option)
                except (cattrs.BaseValidationError, TypeError, ValueError, KeyError):
                    continue
            return value  # a shape this SDK does not know: hand over the raw JSON

        return structure

    return factory


def _has_unset(tp: Any) -> bool:
    return Unset in getattr(tp, "__args__", ())


# JSON's scalars: a value of exactly one of these types, where the field takes that type,
# is its own structured value (cattrs would call str(value), int(value): the same value).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _is_scalar_or_unset(tp: Any) -> bool:
    """``X | None``, ``X | Unset`` or both, for a scalar ``X``: most fields of a model."""
    members = set(getattr(tp, "__args__", ()))
    nullable_or_optional = type(None) in members or Unset in members
    return len(members) > 1 and nullable_or_optional and members <= _SCALARS | {Unset}


def _structure_optional_field(converter: cattrs.Converter) -> Any:
    """``X | Unset`` and ``X | None``: a value that is present is structured as ``X``.

    Also for the optional scalars cattrs handles itself: a value of the field's own type
    is taken as it is, in one call rather than three (a third of the time to decode an
    asset went on them).
    """

    def factory(union: Any) -> Any:
        members = tuple(a for a in union.__args__ if a is not Unset)
        # (None among them, when the field is nullable: taken as it is too.)
        as_is = frozenset(members) & _SCALARS
        # Whatever is not taken as it is: structured as the members other than None (as
        # cattrs' own optional hook does; this union's hook is this factory's).
        others = tuple(a for a in members if a is not type(None))
        present: Any = Union[others] if others else type(None)  # noqa: UP007
        handler = None

        def structure(value: Any, _: type) -> Any:
            nonlocal handler
            if type(value) in as_is:
                return value
            if handler is None:  # resolved on first use: the target may not be ready yet
                handler = converter.get_structure_hook(present)
            return handler(value, present)

        return structure

    return factory


def _is_list(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is list


def _unstructure_list(converter: cattrs.Converter) -> Any:
    def factory(tp: Any) -> Any:
        (item_type,) = getattr(tp, "__args__", (Any,))

        def unstructure(value: Any) -> list[Any]:
            if isinstance(value, (str, bytes)):
                # Iterating it would send one element per character: "Trip" -> T, r, i, p.
                raise TypeError(f"expected a list, got the string {value!r}; wrap it: [{value!r}]")
            return [converter.unstructure(item, item_type) for item in value]

        return unstructure

    return factory


def _unstructure_present(converter: cattrs.Converter) -> Any:
    """``X | Unset`` (UNSET itself is omitted before this): encode the value by its own
    type, as cattrs does for unions, but refuse a string where ``X`` is a list or a
    datetime."""

    def factory(union: Any) -> Any:
        if any(_is_list(option) for option in union.__args__):
            refuse_string = _unstructure_list(converter)(list[Any])
        elif datetime.datetime in union.__args__:
            refuse_string = format_datetime
        else:
            return converter.unstructure

        def unstructure(value: Any) -> Any:
            if isinstance(value, (str, bytes)):
                return refuse_string(value)
            return converter.unstructure(value)

        return unstructure

    return factory


def _unstructure_float(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        # JSON has no NaN or infinity; orjson would send null and clear the field.
        raise ValueError(f"{value} cannot be sent: JSON has no NaN or infinity")
    return value


def _is_model_union(tp: Any) -> bool:
    args = getattr(tp, "__args__", None)
    if not args or getattr(tp, "__origin__", None) is list:
        return False
    models = [a for a in args if _is_model(a)]
    return len(models) > 1


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(omit_if_default=False)
    converter.register_structure_hook(datetime.datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime.datetime, format_datetime)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    # A predicate, not register(Any, ...): typing.Any is a class only from Python 3.11.
    converter.register_structure_hook_func(lambda t: t is Any, _structure_passthrough)
    converter.register_structure_hook_func(lambda t: t == dict[str, Any], _structure_json_object)
    converter.register_structure_hook(Unset, _structure_passthrough)
    # Files are what the caller hands in for an upload; there is nothing to decode.
    converter.register_structure_hook_func(lambda t: t == FileInput, _structure_passthrough)
    converter.register_unstructure_hook(Unset, lambda _: None)
    converter.register_unstructure_hook(float, _unstructure_float)
    converter.register_unstructure_hook_factory(_is_list, _unstructure_list(converter))
    converter.register_unstructure_hook_factory(_has_unset, _unstructure_present(converter))
    # By class, not by predicate: cattrs' own hooks registered by class would win (its hook
    # for str is the nearer one for a str enum).
    for enum_base in (Enum, OpenStrEnum, OpenIntEnum):
        converter.register_structure_hook(enum_base, _structure_enum)
    converter.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), lambda e: e.value
    )
    converter.register_structure_hook_factory(_is_model_union, _structure_union(converter))
    optional_field = _structure_optional_field(converter)
    converter.register_structure_hook_factory(_has_unset, optional_field)
    converter.register_structure_hook_factory(_is_scalar_or_unset, optional_field)
    converter.register_structure_hook_factory(
        _is_model, lambda cls: _make_structure(cls, converter)
    )
    converter.register_unstructure_hook_factory(
        _is_model, lambda cls: _make_unstructure(cls, converter)
    )
    return converter


#: The converter shared by both clients; public as ``immich.converter``.
converter = make_converter()
