"""Tags for uploaded files: given ones, and one from each file's folder.

Immich's tags are hierarchical: ``Trips/Rome`` is the tag ``Rome`` under ``Trips``, and
tagging with it makes both (``PUT /tags`` creates every level of a path).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def tag_value(text: str) -> str:
    """A tag path as Immich keeps it: levels separated by ``/``, without empty levels or
    spaces around them. ``ValueError`` for a tag with no name at all."""
    parts = [part.strip() for part in text.replace("\\", "/").split("/")]
    value = "/".join(part for part in parts if part)
    if not value:
        raise ValueError(f"not a tag: {text!r}")
    return value


def tag_values(texts: Iterable[str]) -> tuple[str, ...]:
    """``tags=[...]`` of an upload, each made a tag path, without repeats."""
    if isinstance(texts, str):
        texts = [texts]
    return tuple(dict.fromkeys(tag_value(text) for text in texts))


def folder_roots(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The folders an upload was given (absolute), deepest first."""
    roots = [Path(p).absolute() for p in paths if Path(p).is_dir()]
    return sorted(set(roots), key=lambda root: len(root.parts), reverse=True)


def folder_tag(path: Path, roots: list[Path]) -> str | None:
    """The tag of a file's folder: its path below the folder the upload was given
    (``Pictures`` given, ``Pictures/Trips/Rome/x.jpg`` -> ``Trips/Rome``). None for a
    file directly in that folder, or named on its own."""
    for root in roots:
        try:
            relative = path.parent.relative_to(root)
        except ValueError:
            continue
        parts = [part.strip() for part in relative.parts if part.strip()]
        return "/".join(parts) if parts else None
    return None
