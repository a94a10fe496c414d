"""Finding the local files to upload: walking folders, hidden files, ignore patterns, times."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import attrs
import httpx

from immich._transfer.ignore import IgnoreRules

PathArg = str | os.PathLike[str]

# Windows marks hidden files with an attribute rather than a leading dot.
_HIDDEN_ATTRIBUTE = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)


@attrs.frozen
class LocalFile:
    """A regular file found on disk, with what its upload needs to know about it."""

    path: Path
    size: int
    mtime_ns: int
    created_at: datetime
    modified_at: datetime

    @classmethod
    def from_stat(cls, path: Path, info: os.stat_result) -> LocalFile:
        modified = info.st_mtime
        # st_birthtime is the creation time where the OS records one (macOS, BSD, Windows
        # on 3.12+). Elsewhere ctime is the inode's change time, which can only be later
        # than the creation, so the older of the two is the better guess.
        created = getattr(info, "st_birthtime", None) or min(info.st_mtime, info.st_ctime)
        return cls(
            path=path,
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            created_at=datetime.fromtimestamp(created, tz=timezone.utc),
            modified_at=datetime.fromtimestamp(modified, tz=timezone.utc),
        )


@attrs.frozen
class WalkOptions:
    recursive: bool = True
    include_hidden: bool = False
    ignore: IgnoreRules = attrs.field(factory=IgnoreRules)


def is_hidden(path: Path, info: os.stat_result | None = None) -> bool:
    if path.name.startswith("."):
        return True
    return bool(_HIDDEN_ATTRIBUTE and getattr(info, "st_file_attributes", 0) & _HIDDEN_ATTRIBUTE)


def walk(paths: Iterable[PathArg], options: WalkOptions) -> Iterator[LocalFile]:
    """The regular files under ``paths``, each once, in a stable (sorted) order.

    A file named directly is taken unless an ignore pattern matches its name; folders are
    walked (recursively unless told otherwise), leaving out hidden entries unless asked and
    whatever the ignore patterns match relative to that folder. Symlinked folders are not
    followed (no cycles); symlinked files are. A missing path raises ``FileNotFoundError``.
    """
    seen: set[str] = set()  # the files' real paths: each file once, however reached
    for given in paths:
        root = Path(given).absolute()
        info = root.stat()
        if stat.S_ISDIR(info.st_mode):
            # The walk follows no symlinked folder, so below the root's real path a file's
            # real path is its relative one, unless the file itself is a link.
            real_root = os.path.realpath(root)
            for file, relative, linked in _walk_folder(root, options):
                if linked:
                    key = os.path.realpath(file.path)
                else:
                    key = os.path.join(real_root, relative.replace("/", os.sep))
                if key not in seen:
                    seen.add(key)
                    yield file
        elif stat.S_ISREG(info.st_mode) and not options.ignore.matches(root.name, is_dir=False):
            key = os.path.realpath(root)
            if key not in seen:
                seen.add(key)
                yield LocalFile.from_stat(root, info)


def _walk_folder(root: Path, options: WalkOptions) -> Iterator[tuple[LocalFile, str, bool]]:
    """The files below ``root``: each with its path relative to it, and whether it is a
    symlink."""
    pending = [(root, "")]
    while pending:
        folder, relative = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished since it was listed
        folders = []
        for entry in entries:
            path = Path(entry.path)
            rel = f"{relative}{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                info = entry.stat(follow_symlinks=not is_dir)
            except OSError:
                continue
            if not options.include_hidden and is_hidden(path, info):
                continue
            if options.ignore.matches(rel, is_dir=is_dir):
                continue
            if is_dir:
                if options.recursive:
                    folders.append((path, rel + "/"))
            elif stat.S_ISREG(info.st_mode):
                yield LocalFile.from_stat(path, info), rel, entry.is_symlink()
        # Depth first, in name order: the stack takes them reversed.
        pending.extend(reversed(folders))


# Per-upload time limit when none is given: a minute, plus a second per MB (1 MB/s is a
# slow uplink), so that a large video is not cut off by the client's default.
_BASE_UPLOAD_SECONDS = 60.0
_SLOWEST_BYTES_PER_SECOND = 1_000_000


def upload_timeout(size: int, timeout: float | httpx.Timeout | None) -> float | httpx.Timeout:
    if timeout is not None:
        return timeout
    seconds = _BASE_UPLOAD_SECONDS + size / _SLOWEST_BYTES_PER_SECOND
    return httpx.Timeout(seconds, connect=10.0)
