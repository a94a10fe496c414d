"""Turning names that come from a server into file names that are safe to create.

A server (or whoever uploaded to it) chooses asset and archive names; they are never
trusted as paths. The result is a single path component: no separators, no ``..``,
no drive letters, control characters or reserved device names, and short enough for
every common file system.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 240  # leaves room for a " (2)" suffix and a ".part" temporary name
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def safe_filename(name: str, fallback: str = "file") -> str:
    """``name`` made into one safe path component (``fallback`` if nothing is left)."""
    name = unicodedata.normalize("NFC", name)
    # Keep the last component only: "../../etc/passwd" and "C:\\x\\y.jpg" lose their folders.
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip().rstrip(".")
    if name in ("", ".", ".."):
        name = fallback
    stem, dot, suffix = name.partition(".")
    if stem.upper() in _WINDOWS_RESERVED:
        name = f"_{stem}{dot}{suffix}"
    return _truncate(name)


def _truncate(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    keep = MAX_NAME_BYTES - len(suffix.encode()) - (1 if suffix else 0)
    stem = stem.encode()[:keep].decode(errors="ignore")
    return f"{stem}.{suffix}" if suffix else stem
