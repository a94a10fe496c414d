"""Enums that a newer server cannot break.

The spec lists the values a 3.0.3 server sends; a newer one may send more. Decoding
such a value must not fail, so the generated enums keep unknown values as extra
members made on the fly: they are real instances (``isinstance`` and type checks hold),
compare equal to the plain string or number the server sent, and are not listed when
iterating the enum.
"""

from __future__ import annotations

import enum
import threading
from typing import Any

_lock = threading.Lock()


def _pseudo_member(cls: type[enum.Enum], base: Any, value: Any) -> Any:
    # Immich's enum values are str or int, so anything else is a caller's mistake.
    if not isinstance(value, base) or isinstance(value, bool):
        return None
    with _lock:
        unknown: dict[Any, Any] = cls.__dict__.get("_unknown_members_") or {}
        if "_unknown_members_" not in cls.__dict__:
            type.__setattr__(cls, "_unknown_members_", unknown)
        member = unknown.get(value)
        if member is None:
            member = base.__new__(cls, value)
            member._name_ = str(value)
            member._value_ = value
            unknown[value] = member
        return member


class OpenStrEnum(str, enum.Enum):
    """A ``str`` enum that keeps values it does not list instead of raising."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _pseudo_member(cls, str, value)

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """False for a value this SDK's spec did not list (sent by a newer server)."""
        return self._name_ in type(self).__members__


class OpenIntEnum(int, enum.Enum):
    """An ``int`` enum that keeps values it does not list instead of raising."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _pseudo_member(cls, int, value)

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """False for a value this SDK's spec did not list (sent by a newer server)."""
        return self._name_ in type(self).__members__
