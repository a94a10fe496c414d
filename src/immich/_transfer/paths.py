"""Turning names that come from a server into file names that are safe to create.

A server (or whoever uploaded to it) chooses asset and archive names; they are never
trusted as paths. The result is a single path component: no separators, no ``..``,
no drive letters, control characters or reserved device names, and short enough for
every common file system.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 240  # leaves room for a " (2)" suffix and a ".part" temporary name
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
    # Windows also reserves the superscript digits: COM¹, LPT².
    | {f"{port}{digit}" for port in ("COM", "LPT") for digit in "\u00b9\u00b2\u00b3"}
)


def safe_filename(name: str, fallback: str = "file") -> str:
    """``name`` made into one safe path component (``fallback`` if nothing is left)."""
    if not name.isascii():  # (ASCII is NFC already, and has no format characters)
        # NFC, so that the NFC and NFD spellings of a name are one name (and collide on
        # purpose).
        name = unicodedata.normalize("NFC", name)
        # Bidi overrides and other invisible format characters make "gpj.exe" look like
        # "exe.jpg".
        name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    # Keep the last component only: "../../etc/passwd" and "C:\\x\\y.jpg" lose their folders.
    name = re.split(r"[/\\]", name)[-1]
    # Windows drops trailing dots and spaces, so "x. ." would name the same file as "x".
    name = _UNSAFE.sub("_", name).strip().rstrip(". ")
    if name in ("", ".", ".."):
        name = fallback
    stem, dot, suffix = name.partition(".")
    if stem.rstrip(" ").upper() in _WINDOWS_RESERVED:
        name = f"_{stem}{dot}{suffix}"
    return _truncate(name)


def numbered(name: str, number: int) -> str:
    """``IMG.jpg`` as the ``number``-th of its name: ``IMG (2).jpg``; 1 is the name itself."""
    if number <= 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not stem or not dot:
        return f"{name} ({number})"
    return f"{stem} ({number}).{suffix}"


def name_key(name: str) -> str:
    """What two names must share to be the same file on a case-insensitive file system."""
    return unicodedata.normalize("NFC", name).casefold()


def claim(partial: Path, folder: Path, name: str) -> Path:
    """Move the finished ``partial`` file into ``folder`` as ``name``, or as ``name (2)``,
    ``name (3)``, ... when that is taken: a file that is already there is never replaced.

    A hard link claims the name atomically (it fails if the name exists); where the file
    system has none, the name is checked first and the file renamed into it.
    """
    for number in range(1, 10_000):
        candidate = folder / numbered(name, number)
        try:
            os.link(partial, candidate)
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some network shares)
            if candidate.exists():
                continue
            os.replace(partial, candidate)
            return candidate
        partial.unlink()
        return candidate
    raise FileExistsError(f"no free name for {name} in {folder}")


def inside(root: str | os.PathLike[str], *components: str) -> Path:
    """``root`` joined with already-sanitised ``components``, checked to stay inside ``root``.

    Raises ``ValueError`` when the result resolves elsewhere (a symlink in the way, or a
    component that was not made safe first).
    """
    base = Path(root).resolve()
    target = base.joinpath(*components)
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise ValueError(f"{target} is outside {base}")
    return target


def _truncate(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    keep = MAX_NAME_BYTES - len(suffix.encode()) - (1 if suffix else 0)
    stem = stem.encode()[:keep].decode(errors="ignore")
    return f"{stem}.{suffix}" if suffix else stem
