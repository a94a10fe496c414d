"""Which uploaded files become one stack in Immich (shown as one, the top one in front).

Two rules, each chosen by name (``upload(stack=...)``):

``"raw"`` (what ``stack=True`` means)
    A camera RAW and the image developed from it: files of one folder with the same
    name but for the extension, ignoring case (``IMG_0001.CR2`` and ``IMG_0001.JPG``),
    at least one of them a RAW and one not. The JPEG is on top, else a HEIC/HEIF, else
    another image; RAWs below. Videos are never part of it.

``"burst"`` (off unless asked)
    Images of one folder that a phone named as one burst:

    - Google/Android: ``..._BURST<number>...`` with the same 14-digit number
      (``00000IMG_00000_BURST20240501102030_COVER.jpg``,
      ``00001IMG_00001_BURST20240501102030.jpg``); the one marked ``COVER`` on top;
    - a counter after ``BURST`` (``20240501_102030_Burst01.jpg``, ``..._Burst02.jpg``,
      Samsung) or after a date and time (``20240501_102030_001.jpg``, ``..._002.jpg``):
      the same name before it;

    otherwise the first by name is on top. A burst needs two frames or more; a RAW
    paired with one of its frames joins it. Bursts that cameras record only inside the
    files (an iPhone's, a DSLR's numbered series) are not recognised: an upload does not
    read the files' metadata.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

StackRule = Literal["raw", "burst"]
RULES: tuple[StackRule, ...] = ("raw", "burst")

#: Camera RAW formats (those Immich accepts; Photoshop's PSD is not one).
RAW_EXTENSIONS = frozenset(
    {
        ".3fr", ".ari", ".arw", ".cap", ".cin", ".cr2", ".cr3", ".crw", ".dcr", ".dng",
        ".erf", ".fff", ".iiq", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori",
        ".pef", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".x3f",
    }
)  # fmt: skip
_JPEG = frozenset({".jpg", ".jpeg", ".jpe"})
_HEIF = frozenset({".heic", ".heif", ".hif"})

_TIMESTAMP_BURST = re.compile(r"burst(\d{14})", re.IGNORECASE)
_COUNTED_BURST = re.compile(r"^(?P<key>.*?)[_-]?burst\d{1,4}(?:[_-]?cover)?$", re.IGNORECASE)
_DATED_SERIES = re.compile(r"^(?P<key>\d{8}_\d{6})_\d{3}$")
_COVER = re.compile(r"cover", re.IGNORECASE)


def stack_rules(value: bool | str | Iterable[str]) -> frozenset[StackRule]:
    """``upload(stack=...)``: False (none), True (``"raw"``), a rule's name, or several."""
    if value is False:
        return frozenset()
    if value is True:
        return frozenset({"raw"})
    names = [value] if isinstance(value, str) else list(value)
    unknown = [name for name in names if name not in RULES]
    if unknown:
        raise ValueError(f"unknown stack rule {unknown[0]!r}; the rules are: raw, burst")
    return frozenset(name for name in RULES if name in names)


def is_raw(path: Path) -> bool:
    return path.suffix.lower() in RAW_EXTENSIONS


def plan_stacks(images: Iterable[Path], rules: Iterable[StackRule]) -> list[tuple[Path, ...]]:
    """The stacks the files make under ``rules``: each a tuple of two paths or more, the
    top one first. ``images`` are the image files (videos are left out by the caller);
    each file is in one stack at most."""
    wanted = frozenset(rules)
    files = list(dict.fromkeys(images))
    # Union-find over the files: each rule joins files into groups.
    parent = {path: path for path in files}

    def root(path: Path) -> Path:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    def join(group: list[Path]) -> None:
        first = root(group[0])
        for other in group[1:]:
            parent[root(other)] = first

    bursts: set[Path] = set()
    if "raw" in wanted:
        for group in _same_name_groups(files):
            if any(is_raw(p) for p in group) and any(not is_raw(p) for p in group):
                join(group)
    if "burst" in wanted:
        for group in _burst_groups(files):
            bursts.update(group)
            join(group)
        if "raw" not in wanted:
            # A frame's RAW comes along with it all the same.
            for group in _same_name_groups(files):
                if any(p in bursts for p in group):
                    join(group)
    members: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        members[root(path)].append(path)
    return [_ordered(group, bursts) for group in members.values() if len(group) > 1]


def _same_name_groups(files: list[Path]) -> list[list[Path]]:
    by_name: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in files:
        by_name[(os.path.dirname(path), path.stem.casefold())].append(path)
    return [group for group in by_name.values() if len(group) > 1]


def burst_key(path: Path) -> str | None:
    """What frames of one burst share in their names (None: not a burst frame)."""
    stem = path.stem
    found = _TIMESTAMP_BURST.search(stem)
    if found is not None:
        return "BURST" + found.group(1)
    for pattern in (_COUNTED_BURST, _DATED_SERIES):
        matched = pattern.match(stem)
        if matched is not None and matched.group("key"):
            return matched.group("key").casefold()
    return None


def _burst_groups(files: list[Path]) -> list[list[Path]]:
    by_key: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in files:
        if is_raw(path):
            continue  # a RAW joins through its developed frame
        key = burst_key(path)
        if key is not None:
            by_key[(os.path.dirname(path), key)].append(path)
    return [group for group in by_key.values() if len(group) > 1]


def _ordered(group: list[Path], bursts: set[Path]) -> tuple[Path, ...]:
    """Top first: a burst's cover, else its first frame by name; otherwise the JPEG, then
    HEIC/HEIF, then other images; RAWs last."""

    def rank(path: Path) -> tuple[int, int, str]:
        suffix = path.suffix.lower()
        kind = (
            3 if suffix in RAW_EXTENSIONS else 0 if suffix in _JPEG else 1 if suffix in _HEIF else 2
        )
        if path in bursts:
            cover = 0 if _COVER.search(path.stem) else 1
            return (cover, kind, path.name)
        return (2, kind, path.name)

    return tuple(sorted(group, key=rank))
