"""Typed reads from a JSON request body, failing with the 400 Immich's DTO validation gives."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from ._errors import bad_request
from ._wire import is_uuid, parse_datetime

_MISSING = object()


class JsonFields:
    def __init__(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise bad_request("Request body must be a JSON object")
        self.body: dict[str, Any] = body

    def has(self, name: str) -> bool:
        return name in self.body

    def _value(self, name: str, *, required: bool, nullable: bool) -> Any:
        value = self.body.get(name, _MISSING)
        if value is _MISSING:
            if required:
                raise bad_request(f"{name} is required")
            return None
        if value is None and not nullable:
            raise bad_request(f"{name} must not be null")
        return value

    def string(self, name: str, *, required: bool = False, nullable: bool = False) -> str | None:
        value = self._value(name, required=required, nullable=nullable)
        if value is not None and not isinstance(value, str):
            raise bad_request(f"{name} must be a string")
        return value

    def required_string(self, name: str) -> str:
        value = self.string(name, required=True)
        assert value is not None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._value(name, required=False, nullable=False)
        if value is not None and not isinstance(value, bool):
            raise bad_request(f"{name} must be a boolean value")
        return value

    def integer(
        self,
        name: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        value = self._value(name, required=False, nullable=nullable)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{name} must be an integer number")
        if minimum is not None and value < minimum:
            raise bad_request(f"{name} must not be less than {minimum}")
        if maximum is not None and value > maximum:
            raise bad_request(f"{name} must not be greater than {maximum}")
        return value

    def uuid(self, name: str, *, required: bool = False, nullable: bool = False) -> str | None:
        value = self._value(name, required=required, nullable=nullable)
        if value is None:
            return None
        if not is_uuid(value):
            raise bad_request(f"{name} must be a UUID")
        return str(value)

    def required_uuid(self, name: str) -> str:
        value = self.uuid(name, required=True)
        assert value is not None
        return value

    def string_list(self, name: str, *, required: bool = False) -> list[str] | None:
        value = self._value(name, required=required, nullable=False)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise bad_request(f"{name} must be an array of strings")
        return value

    def uuid_list(
        self, name: str, *, required: bool = False, nullable: bool = False
    ) -> list[str] | None:
        value = self._value(name, required=required, nullable=nullable)
        if value is None:
            return None
        if not isinstance(value, list):
            raise bad_request(f"{name} must be an array")
        if not all(is_uuid(item) for item in value):
            raise bad_request(f"each value in {name} must be a UUID")
        return value

    def required_uuid_list(self, name: str) -> list[str]:
        value = self.uuid_list(name, required=True)
        assert value is not None
        return value

    def choice(self, name: str, allowed: Collection[str], *, required: bool = False) -> str | None:
        value = self._value(name, required=required, nullable=False)
        if value is None:
            return None
        if value not in allowed:
            raise bad_request(f"{name} must be one of: {', '.join(allowed)}")
        return str(value)

    def datetime(self, name: str) -> datetime | None:
        value = self.string(name)
        if value is None:
            return None
        moment = parse_datetime(value)
        if moment is None:
            raise bad_request(f"{name} must be a valid ISO 8601 date string")
        return moment


def query_flag(value: str | None, name: str) -> bool | None:
    """A boolean query parameter, which Immich accepts as ``true`` or ``false``."""
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise bad_request(f"{name} must be a boolean value")
