"""Small shared types: the ``UNSET`` sentinel and what counts as a file."""

from __future__ import annotations

import enum
import os
from collections.abc import Awaitable, Callable
from typing import IO, Final, Literal, ParamSpec, TypeAlias, TypeVar, Union


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "not given", as opposed to ``None`` ("null on the wire").

    An enum with one member, so that ``if value is not UNSET:`` narrows the type.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET

#: What a multipart file field accepts: a path, an open binary file, raw bytes, or
#: ``(filename, file_or_bytes)`` to choose the name the server records.
FileInput: TypeAlias = Union[  # noqa: UP007 - a runtime alias: cattrs and get_type_hints read it
    str, os.PathLike[str], bytes, IO[bytes], tuple[str, IO[bytes] | bytes]
]

P = ParamSpec("P")
T = TypeVar("T")

#: A bound API method, as :meth:`AsyncClient.with_response` takes it.
AsyncMethod: TypeAlias = Callable[P, Awaitable[T]]
#: A bound API method, as :meth:`Client.with_response` takes it.
Method: TypeAlias = Callable[P, T]

__all__ = ["UNSET", "AsyncMethod", "FileInput", "Method", "Unset"]
