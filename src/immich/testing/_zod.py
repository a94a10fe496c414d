"""Immich 3's request validation errors, as zod words them: a 400 with the message
"Validation failed" and one issue per invalid field, each naming its ``path`` in the body,
query or route parameters (``["assetIds", 0]``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._errors import ApiError

Path = tuple[str | int, ...]

# The patterns zod reports, as JavaScript regex literals.
UUID_V4_PATTERN = (
    "/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/"
)
DATETIME_PATTERN = (
    r"/^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|"
    r"\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|"
    r"(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/"
)

Issue = dict[str, Any]


def validation_failed(*issues: Issue) -> ApiError:
    return ApiError(400, "Validation failed", errors=list(issues))


def received(value: Any) -> str:
    """How zod names what it got instead."""
    if value is ABSENT:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def invalid_type(path: Path, expected: str, value: Any) -> Issue:
    return {
        "expected": expected,
        "code": "invalid_type",
        "path": list(path),
        "message": f"Invalid input: expected {expected}, received {received(value)}",
    }


def invalid_uuid(path: Path) -> Issue:
    return {
        "origin": "string",
        "code": "invalid_format",
        "format": "uuid",
        "pattern": UUID_V4_PATTERN,
        "path": list(path),
        "message": "Invalid UUID",
    }


def invalid_datetime(path: Path) -> Issue:
    return {
        "origin": "string",
        "code": "invalid_format",
        "format": "datetime",
        "pattern": DATETIME_PATTERN,
        "path": list(path),
        "message": "Invalid input: expected ISO 8601 datetime string, received string",
    }


def invalid_value(path: Path, values: Sequence[str], *, stringbool: bool = False) -> Issue:
    options = "|".join(f'"{value}"' for value in values)
    issue: Issue = {"code": "invalid_value"}
    if stringbool:
        issue["expected"] = "stringbool"
    issue.update(
        {
            "values": list(values),
            "path": list(path),
            "message": f"Invalid option: expected one of {options}",
        }
    )
    return issue


def too_small(path: Path, minimum: int) -> Issue:
    return {
        "origin": "number",
        "code": "too_small",
        "minimum": minimum,
        "inclusive": True,
        "path": list(path),
        "message": f"Too small: expected number to be >={minimum}",
    }


def too_big(path: Path, maximum: int) -> Issue:
    return {
        "origin": "number",
        "code": "too_big",
        "maximum": maximum,
        "inclusive": True,
        "path": list(path),
        "message": f"Too big: expected number to be <={maximum}",
    }


def too_few_items(path: Path, minimum: int) -> Issue:
    return {
        "origin": "array",
        "code": "too_small",
        "minimum": minimum,
        "inclusive": True,
        "path": list(path),
        "message": f"Too small: expected array to have >={minimum} items",
    }
