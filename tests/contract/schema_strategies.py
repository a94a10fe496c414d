"""Hypothesis strategies for the JSON Schema subset the Immich spec uses.

(hypothesis-jsonschema no longer runs against current Hypothesis; the spec needs only
objects, arrays, enums, scalars with formats and bounds, ``anyOf`` and nullability.)
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

_UTC_DATETIMES = st.datetimes(
    min_value=datetime.datetime(1970, 1, 2),
    max_value=datetime.datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=5, minutes=30))]
    ),
)
_FORMATS: dict[str, st.SearchStrategy[Any]] = {
    "date-time": _UTC_DATETIMES.map(lambda d: d.isoformat().replace("+00:00", "Z")),
    "date": st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)).map(
        datetime.date.isoformat
    ),
    # Any UUID version: servers hand out more than the v4 the patterns allow.
    "uuid": st.uuids().map(str),
    "binary": st.just("file"),
    "email": st.just("someone@example.com"),
}


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "anyOf" in schema:
        return st.one_of([from_schema(s) for s in schema["anyOf"]])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(part)
        return from_schema(merged)
    types = schema.get("type")
    if isinstance(types, list):
        return st.one_of([from_schema({**schema, "type": t}) for t in types])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if types == "null":
        return st.none()
    if types == "boolean":
        return st.booleans()
    if types == "integer":
        low = schema.get("minimum", -(2**31))
        high = min(schema.get("maximum", 2**31), 2**53)
        if schema.get("exclusiveMinimum") is True:
            low += 1
        return st.integers(low, high)
    if types == "number":
        return st.floats(schema.get("minimum", -1e9), schema.get("maximum", 1e9), allow_nan=False)
    if types == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        return st.text(min_size=schema.get("minLength", 0), max_size=12)
    if types == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=min(schema.get("maxItems", 3), 3),
        )
    if types == "object" or "properties" in schema:
        return _object(schema)
    return st.just({})  # untyped: any JSON; an empty object is enough here


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    if not properties:
        return st.dictionaries(
            st.text(max_size=5), st.integers(-(2**53), 2**53) | st.text(max_size=5), max_size=2
        )
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: from_schema(v) for k, v in properties.items() if k in required},
        optional={k: from_schema(v) for k, v in properties.items() if k not in required},
    )
