"""How spec names and Python names map; shared by the runtime and the generator."""

from __future__ import annotations

import re
from typing import Any

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """``getAllAlbums`` -> ``get_all_albums`` (the rule the generator names methods by)."""
    name = _ACRONYM_BOUNDARY.sub(r"\1_\2", name)
    name = _WORD_BOUNDARY.sub(r"\1_\2", name)
    return re.sub(r"[^0-9a-zA-Z_]+", "_", name).strip("_").lower()


def camel_case(name: str) -> str:
    """A field's wire name unless its metadata says otherwise: ``album_name`` -> ``albumName``."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


#: Metadata key of a generated field whose wire name is not plain camelCase.
WIRE_NAME = "wire"


def wire_name(field: Any) -> str:
    """The JSON name of a model's attrs field: its metadata's, else its camelCase name."""
    explicit: str | None = field.metadata.get(WIRE_NAME)
    return explicit if explicit is not None else camel_case(field.name)
