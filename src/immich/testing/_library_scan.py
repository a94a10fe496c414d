"""External-library scans: the supported files under a library's import paths, minus its
exclusion globs, synchronised into assets (new files imported, changed files re-hashed,
vanished or excluded files marked offline)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from ._blobs import FileBlob, hash_file
from ._media_types import asset_type_of, mime_type_of
from ._processing import queue_sidecar_job
from ._state import Asset, FakeState, Library
from ._wire import utc_now


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translates a picomatch-style glob as Immich uses them (``**/@eaDir/**``, ``**/*.tif``)."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 1 :]:
            end = pattern.index("]", index + 1)
            body = pattern[index + 1 : end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            parts.append(f"[{body}]")
            index = end + 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("^" + "".join(parts) + "$")


def is_excluded(path: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    posix_path = path.replace(os.sep, "/")
    return any(pattern.match(posix_path) for pattern in patterns)


def iter_library_files(library: Library) -> Iterator[tuple[str, os.stat_result]]:
    patterns = [glob_to_regex(pattern) for pattern in library.exclusion_patterns]
    for import_path in library.import_paths:
        root = Path(import_path)
        if not root.is_absolute() or not root.is_dir():
            continue
        for folder, _, filenames in os.walk(root):
            for filename in sorted(filenames):
                if asset_type_of(filename) is None:
                    continue
                path = os.path.join(folder, filename)
                if is_excluded(path, patterns):
                    continue
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                yield path, stat


def _file_time(stat: os.stat_result) -> datetime:
    return datetime.fromtimestamp(stat.st_mtime, timezone.utc)


def import_new_files(state: FakeState, library: Library) -> None:
    """Immich's ``LibrarySyncFilesQueueAll``: import the files no asset has yet, then
    note the library as refreshed."""
    known = {
        asset.original_path for asset in state.assets.values() if asset.library_id == library.id
    }
    for path, stat in iter_library_files(library):
        if path not in known:
            _import_file(state, library, path, stat)
    library.refreshed_at = utc_now()


def check_existing_assets(state: FakeState, library: Library) -> None:
    """Immich's ``LibraryScanAssetsQueueAll``: files that are gone (or now excluded)
    take their assets offline and to the trash, files that are back bring them back,
    changed files are read again."""
    now = utc_now()
    on_disk = dict(iter_library_files(library))
    for asset in [a for a in state.assets.values() if a.library_id == library.id]:
        stat = on_disk.get(asset.original_path)
        if stat is None:
            if not asset.is_offline:
                asset.is_offline = True
                asset.deleted_at = asset.deleted_at or now
                asset.updated_at = now
            continue
        if asset.is_offline:
            asset.is_offline = False
            asset.deleted_at = None
            asset.updated_at = now
        signature = (stat.st_size, stat.st_mtime_ns)
        if asset.file_signature != signature:
            state.change_checksum(asset, hash_file(Path(asset.original_path)))
            asset.blob = FileBlob(Path(asset.original_path), stat.st_size, owned=False)
            asset.file_modified_at = _file_time(stat)
            asset.file_signature = signature
            asset.updated_at = now
            _queue_sidecar_check(state, asset)


def _queue_sidecar_check(state: FakeState, asset: Asset) -> None:
    """Immich looks for a sidecar of a new or changed file, then reads its metadata."""
    data = {"id": asset.id, "source": "upload"}
    queue_sidecar_job(state, asset, "SidecarCheck", source="upload", data=data)


def _import_file(state: FakeState, library: Library, path: str, stat: os.stat_result) -> None:
    filename = os.path.basename(path)
    modified = _file_time(stat)
    asset = Asset(
        owner_id=library.owner_id,
        library_id=library.id,
        original_file_name=filename,
        original_path=path,
        mime_type=mime_type_of(filename),
        type=asset_type_of(filename) or "OTHER",
        checksum=hash_file(Path(path)),
        blob=FileBlob(Path(path), stat.st_size, owned=False),
        file_created_at=modified,
        file_modified_at=modified,
        file_signature=(stat.st_size, stat.st_mtime_ns),
    )
    state.add_asset(asset)
    _queue_sidecar_check(state, asset)
