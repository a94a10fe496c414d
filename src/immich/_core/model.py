"""The base of every generated model: a readable, secret-safe repr and nothing else."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from immich._core.types import UNSET

_REDACTED = "'***'"


class Model:
    """Base class of the generated attrs models.

    The repr leaves out fields that are ``UNSET`` (so a notebook does not show a wall
    of them) and masks secrets such as passwords and tokens.
    """

    __slots__ = ()
    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def _shown_fields(self) -> list[tuple[str, Any]]:
        """(name, value) of the fields worth showing; a secret's value is a mask."""
        shown = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is UNSET:
                continue
            # Only the credential itself is masked, not, say, a nested API key record.
            if field.name in self._secret_fields and isinstance(value, str) and value:
                value = _Masked()
            shown.append((field.name, value))
        return shown

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={value!r}" for name, value in self._shown_fields())
        return f"{type(self).__name__}({parts})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython and Jupyter: one field per line once the repr is too long for one."""
        name = type(self).__name__
        if cycle:
            printer.text(f"{name}(...)")
            return
        with printer.group(4, f"{name}(", ")"):
            for index, (field, value) in enumerate(self._shown_fields()):
                if index:
                    printer.text(",")
                printer.breakable("" if index == 0 else " ")
                printer.text(f"{field}=")
                printer.pretty(value)


class _Masked:
    __slots__ = ()

    def __repr__(self) -> str:
        return _REDACTED
