"""The base of every generated model: a readable, secret-safe repr and nothing else."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from immich._types import UNSET

_REDACTED = "'***'"


class Model:
    """Base class of the generated attrs models.

    The repr leaves out fields that are ``UNSET`` (so a notebook does not show a wall
    of them) and masks secrets such as passwords and tokens.
    """

    __slots__ = ()
    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        parts = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is UNSET:
                continue
            shown = _REDACTED if field.name in self._secret_fields and value else repr(value)
            parts.append(f"{field.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython's pretty printer otherwise bypasses __repr__ for attrs classes.
        printer.text(repr(self) if not cycle else f"{type(self).__name__}(...)")
