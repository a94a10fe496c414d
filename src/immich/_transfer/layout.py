"""Where a downloaded asset goes: the folder layout, safe names, and no two assets on one file.

A layout is a ``/``-separated template whose last part names the file:

- ``{original}``: the asset's original file name (the default layout is just that);
- ``{album}``: the album the asset is in (first by name if several; empty if none);
- ``{yyyy}``, ``{mm}``, ``{dd}``: when it was taken (local time of the capture).

``"{album}/{yyyy}/{mm}"`` means ``"{album}/{yyyy}/{mm}/{original}"``. Every part is
made a safe file name on its own, empty parts are dropped, and the result is checked to
stay inside the destination.
"""

from __future__ import annotations

import os
import string
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from immich._transfer.paths import inside, name_key, numbered, safe_filename

FIELDS = frozenset({"original", "album", "yyyy", "mm", "dd"})


class Layout:
    def __init__(self, template: str) -> None:
        parts = [p for p in template.replace("\\", "/").split("/") if p.strip()]
        if not parts:
            raise ValueError("the layout is empty")
        for part in parts:
            for _, field, spec, conversion in string.Formatter().parse(part):
                if field is not None and (field not in FIELDS or spec or conversion):
                    raise ValueError(
                        f"unknown layout field {{{field}}}; use {', '.join(sorted(FIELDS))}"
                    )
        if "{original}" not in parts[-1]:
            parts.append("{original}")
        self.template = "/".join(parts)
        self._parts = parts

    @property
    def uses_album(self) -> bool:
        return "{album}" in self.template

    def relative(self, *, original: str, taken: datetime, album: str | None) -> tuple[str, ...]:
        """The safe path components (folders, then the file name) for one asset."""
        values = {
            "original": safe_filename(original),
            "album": album or "",
            "yyyy": f"{taken.year:04d}",
            "mm": f"{taken.month:02d}",
            "dd": f"{taken.day:02d}",
        }
        folders = [part.format(**values) for part in self._parts[:-1]]
        name = safe_filename(self._parts[-1].format(**values))
        return (*(safe_filename(f, fallback="_") for f in folders if f.strip()), name)


class NameClaims:
    """The file names taken by this run, so that concurrent downloads of two assets with
    the same name never write one file. Names are compared as a case-insensitive file
    system would (and NFC-normalised by ``safe_filename`` already)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken: set[tuple[str, str]] = set()

    def claim(self, folder: Path, name: str) -> bool:
        key = (str(folder), name_key(name))
        with self._lock:
            if key in self._taken:
                return False
            self._taken.add(key)
            return True

    def is_claimed(self, folder: Path, name: str) -> bool:
        with self._lock:
            return (str(folder), name_key(name)) in self._taken


class TargetFolder:
    """A folder that downloads go into: made, and checked to be inside the destination,
    once; its entries listed once, so that giving an asset a name nothing uses costs no
    system call (only names the listing has need a closer look)."""

    def __init__(self, path: Path, entries: list[str]) -> None:
        self.path = path
        self._entries = frozenset(entries)
        self._keys = frozenset(name_key(entry) for entry in entries)

    @classmethod
    def prepare(cls, destination: Path, folders: tuple[str, ...]) -> TargetFolder:
        """``destination`` joined with ``folders`` (the safe components
        :meth:`Layout.relative` gives before the file name), created if missing. Blocking."""
        path = inside(destination, *folders)
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, os.listdir(path))

    def may_hold(self, name: str) -> bool:
        """Whether something was there under ``name`` (or a name a case-insensitive file
        system would take for it) when the folder was listed."""
        return name_key(name) in self._keys

    def had(self, name: str) -> bool:
        """Whether the listing had exactly ``name``."""
        return name in self._entries


def numbered_names(name: str, limit: int = 10_000) -> Iterator[str]:
    """``IMG.jpg``, ``IMG (2).jpg``, ``IMG (3).jpg``, ... (bounded, so that a runaway
    loop ends in an error rather than never)."""
    for number in range(1, limit + 1):
        yield numbered(name, number)
