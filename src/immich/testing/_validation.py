"""Typed reads from a JSON request body, failing with the 400 that Immich's zod schemas give
(``_zod.py``). A read stops at the first invalid field, where zod lists them all; within one
array every invalid item is listed, as zod does."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from . import _zod
from ._wire import is_uuid, parse_datetime
from ._zod import ABSENT, Path, validation_failed


class JsonFields:
    def __init__(self, body: Any, path: Path = ()) -> None:
        if not isinstance(body, dict):
            raise validation_failed(_zod.invalid_type(path, "object", body))
        self.body: dict[str, Any] = body
        self.path = path

    def has(self, name: str) -> bool:
        return name in self.body

    def at(self, name: str) -> Path:
        return (*self.path, name)

    def _value(self, name: str, expected: str, *, required: bool, nullable: bool) -> Any:
        value = self.body.get(name, ABSENT)
        if value is ABSENT:
            if required:
                raise validation_failed(_zod.invalid_type(self.at(name), expected, value))
            return None
        if value is None and not nullable:
            raise validation_failed(_zod.invalid_type(self.at(name), expected, value))
        return value

    def string(self, name: str, *, required: bool = False, nullable: bool = False) -> str | None:
        value = self._value(name, "string", required=required, nullable=nullable)
        if value is not None and not isinstance(value, str):
            raise validation_failed(_zod.invalid_type(self.at(name), "string", value))
        return value

    def required_string(self, name: str) -> str:
        value = self.string(name, required=True)
        assert value is not None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._value(name, "boolean", required=False, nullable=False)
        if value is not None and not isinstance(value, bool):
            raise validation_failed(_zod.invalid_type(self.at(name), "boolean", value))
        return value

    def integer(
        self,
        name: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        value = self._value(name, "number", required=False, nullable=nullable)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise validation_failed(_zod.invalid_type(self.at(name), "number", value))
        if minimum is not None and value < minimum:
            raise validation_failed(_zod.too_small(self.at(name), minimum))
        if maximum is not None and value > maximum:
            raise validation_failed(_zod.too_big(self.at(name), maximum))
        return value

    def uuid(self, name: str, *, required: bool = False, nullable: bool = False) -> str | None:
        value = self.string(name, required=required, nullable=nullable)
        if value is None:
            return None
        if not is_uuid(value):
            raise validation_failed(_zod.invalid_uuid(self.at(name)))
        return value

    def required_uuid(self, name: str) -> str:
        value = self.uuid(name, required=True)
        assert value is not None
        return value

    def _list(self, name: str, *, required: bool, nullable: bool) -> list[Any] | None:
        value = self._value(name, "array", required=required, nullable=nullable)
        if value is not None and not isinstance(value, list):
            raise validation_failed(_zod.invalid_type(self.at(name), "array", value))
        return value

    def string_list(self, name: str, *, required: bool = False) -> list[str] | None:
        value = self._list(name, required=required, nullable=False)
        if value is None:
            return None
        issues = [
            _zod.invalid_type((*self.at(name), index), "string", item)
            for index, item in enumerate(value)
            if not isinstance(item, str)
        ]
        if issues:
            raise validation_failed(*issues)
        return value

    def uuid_list(
        self, name: str, *, required: bool = False, nullable: bool = False
    ) -> list[str] | None:
        value = self._list(name, required=required, nullable=nullable)
        if value is None:
            return None
        issues = [
            _zod.invalid_type((*self.at(name), index), "string", item)
            if not isinstance(item, str)
            else _zod.invalid_uuid((*self.at(name), index))
            for index, item in enumerate(value)
            if not is_uuid(item)
        ]
        if issues:
            raise validation_failed(*issues)
        return value

    def required_uuid_list(self, name: str) -> list[str]:
        value = self.uuid_list(name, required=True)
        assert value is not None
        return value

    def choice(self, name: str, allowed: Collection[str], *, required: bool = False) -> str | None:
        value = self._value(name, "string", required=required, nullable=False)
        if value is None:
            return None
        if value not in allowed:
            raise validation_failed(_zod.invalid_value(self.at(name), list(allowed)))
        return str(value)

    def datetime(self, name: str, *, nullable: bool = False) -> datetime | None:
        value = self.string(name, nullable=nullable)
        if value is None:
            return None
        moment = parse_datetime(value)
        if moment is None:
            raise validation_failed(_zod.invalid_datetime(self.at(name)))
        return moment


def query_flag(value: str | None, name: str) -> bool | None:
    """A boolean query parameter, which Immich accepts as ``true`` or ``false``."""
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise validation_failed(_zod.invalid_value((name,), ("true", "false"), stringbool=True))


def query_choice(value: str | None, name: str, allowed: Collection[str]) -> str | None:
    if value is None or value in allowed:
        return value
    raise validation_failed(_zod.invalid_value((name,), list(allowed)))


def invalid_uuid_parameter(name: str) -> Exception:
    return validation_failed(_zod.invalid_uuid((name,)))
