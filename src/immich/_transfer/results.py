"""What a bulk upload or download did, file by file, as frozen and JSON-able results.

The ``*Log`` classes collect outcomes while the work runs (from several threads with
the blocking client) and produce the frozen result at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import attrs

#: A collection with more items than this is shown in a result's repr by its size.
_SHOWN_ITEMS = 3


def frozen_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


def summary_repr(result: Any) -> str:
    """A result's repr that stays short for thousands of files (a notebook shows it):
    empty collections and fields at their default are left out, a collection of more
    than a few items is shown by its size, and seconds are rounded."""
    parts = []
    for field in attrs.fields(type(result)):
        value = getattr(result, field.name)
        if isinstance(value, Mapping | tuple):
            if not value:
                continue
            if len(value) > _SHOWN_ITEMS:
                value = _Size(len(value))
            elif isinstance(value, Mapping):
                value = dict(value)
        elif value == field.default:
            continue
        elif isinstance(value, float):
            value = round(value, 2)
        parts.append(f"{field.name}={value!r}")
    return f"{type(result).__name__}({', '.join(parts)})"


class _Size:
    __slots__ = ("count",)

    def __init__(self, count: int) -> None:
        self.count = count

    def __repr__(self) -> str:
        return f"<{self.count} items>"


@attrs.frozen
class DateChoice:
    """Which date an uploaded asset got, and from where (``upload(date_from_name=True)``).

    Attributes:
        taken: The date and time the asset shows (its local time, as the app shows it).
        source: ``"exif"``: the file's own metadata (EXIF, a video's container, an XMP
            sidecar); ``"name"``: its file name (``rule`` says which pattern); ``"file"``:
            the file's creation or modification time, the earlier.
        rule: For ``"name"``: ``"date-time"``, ``"dashed"`` or ``"whatsapp"`` (see
            :mod:`immich._transfer.name_dates`).
    """

    taken: datetime
    source: Literal["exif", "name", "file"]
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"taken": self.taken.isoformat(), "source": self.source, "rule": self.rule}


@attrs.frozen(repr=False)
class UploadResult:
    """The outcome of :func:`upload`, per local file.

    Attributes:
        uploaded: Files the server stored as new assets: path -> asset id.
        duplicates: Files the server already had (same SHA-1): path -> existing asset id.
        unsupported: Files the server does not accept (by extension or by its answer).
        failed: Files that could not be uploaded: path -> the server's (or OS's) message.
        would_upload: With ``dry_run``: the files a real run would upload.
        deleted: Local files deleted after the server confirmed them.
        albums: Album name -> album id, for the albums files were added to.
        album_failures: Album name -> why assets could not be added to it.
        stacks: Stack id -> its files, the top one first (``stack=``; duplicates
            included; stacks that were there already are not repeated).
        stack_failures: A stack's top file -> why the stack could not be made.
        tags: File -> the tags it was given (``tags=``, ``tags_from_folders=``).
        tag_failures: File -> why it was not tagged.
        dates: File -> the date its asset got and from where (``date_from_name=``).
        unprocessed: File -> why the server had not processed it when the upload had
            waited for that (``wait=``, and before tagging): a file it could not read,
            or a wait that timed out.
        bytes_uploaded: Bytes of file content sent.
        elapsed: Seconds the run took.
    """

    uploaded: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    duplicates: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    unsupported: tuple[Path, ...] = ()
    failed: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    would_upload: tuple[Path, ...] = ()
    deleted: tuple[Path, ...] = ()
    albums: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_map)
    album_failures: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_map)
    stacks: Mapping[str, tuple[Path, ...]] = attrs.field(factory=dict, converter=frozen_map)
    stack_failures: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    tags: Mapping[Path, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_map)
    tag_failures: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    dates: Mapping[Path, DateChoice] = attrs.field(factory=dict, converter=frozen_map)
    unprocessed: Mapping[Path, str] = attrs.field(factory=dict, converter=frozen_map)
    bytes_uploaded: int = 0
    elapsed: float = 0.0
    dry_run: bool = False

    __repr__ = summary_repr

    @property
    def ok(self) -> bool:
        """True when no file failed and every album, stack and tag could be made
        (unsupported files are not failures, nor files the server could not process)."""
        return (
            not self.failed
            and not self.album_failures
            and not self.stack_failures
            and not self.tag_failures
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: paths as strings, mappings as objects."""
        return {
            "uploaded": {str(k): v for k, v in self.uploaded.items()},
            "duplicates": {str(k): v for k, v in self.duplicates.items()},
            "unsupported": [str(p) for p in self.unsupported],
            "failed": {str(k): v for k, v in self.failed.items()},
            "would_upload": [str(p) for p in self.would_upload],
            "deleted": [str(p) for p in self.deleted],
            "albums": dict(self.albums),
            "album_failures": dict(self.album_failures),
            "stacks": {k: [str(p) for p in v] for k, v in self.stacks.items()},
            "stack_failures": {str(k): v for k, v in self.stack_failures.items()},
            "tags": {str(k): list(v) for k, v in self.tags.items()},
            "tag_failures": {str(k): v for k, v in self.tag_failures.items()},
            "dates": {str(k): v.to_dict() for k, v in self.dates.items()},
            "unprocessed": {str(k): v for k, v in self.unprocessed.items()},
            "bytes_uploaded": self.bytes_uploaded,
            "elapsed": self.elapsed,
            "dry_run": self.dry_run,
            "ok": self.ok,
        }


@attrs.frozen(repr=False)
class DownloadResult:
    """The outcome of :func:`download`, per asset.

    Attributes:
        downloaded: Asset id -> the file it was written to.
        skipped: Asset id -> the existing file that already holds it (same SHA-1).
        failed: Asset id -> why it could not be downloaded.
        bytes_downloaded: Bytes received.
        elapsed: Seconds the run took.
    """

    downloaded: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    skipped: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    failed: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_map)
    bytes_downloaded: int = 0
    elapsed: float = 0.0

    __repr__ = summary_repr

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "downloaded": {k: str(v) for k, v in self.downloaded.items()},
            "skipped": {k: str(v) for k, v in self.skipped.items()},
            "failed": dict(self.failed),
            "bytes_downloaded": self.bytes_downloaded,
            "elapsed": self.elapsed,
            "ok": self.ok,
        }


@attrs.frozen(repr=False)
class MirrorResult:
    """The outcome of :func:`mirror`: what this run changed in the mirror, per asset.

    Attributes:
        downloaded: Asset id -> the file it was written to (new assets, new content, files
            that went missing or were damaged).
        already_there: Asset id -> the file found already holding it (same SHA-1), e.g.
            written by a run that was stopped before it could note it.
        updated: Assets whose sidecar was rewritten (new metadata, albums, place).
        deleted: Assets the server no longer has (kept in place, or moved to ``.trash/``
            with ``prune``).
        trashed: Asset id -> where its file went in ``.trash/`` (``prune``: in the server's
            trash, or deleted from it).
        restored: Asset id -> where its file came back to from ``.trash/``.
        locked: Assets in the server's locked folder: described, not downloaded (the
            server gives their files only to a session unlocked with the PIN code).
        failed: Asset id -> why it could not be downloaded (tried again next run).
        albums: Album manifests written (and link folders kept up to date).
        albums_deleted: Albums the server no longer has.
        events: Lines of the server's sync stream read.
        complete: The stream ended as a complete one should (``SyncCompleteV1``): then
            its changes were acknowledged, else the next run reads them again.
        full: This run listed the whole library (a first run, ``full``, a reset the
            server asked for, or a new session), and noted what it did not list as gone.
        would_download: With ``dry_run``: the assets a real run would download.
        assets: Assets the mirror knows after the run (not deleted from the server).
        files: Of those, how many it holds a file of.
        bytes_downloaded: Bytes received.
        elapsed: Seconds the run took.
        notes: What else to know (the session was renewed, a full listing was needed).
    """

    downloaded: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    already_there: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    trashed: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    restored: Mapping[str, Path] = attrs.field(factory=dict, converter=frozen_map)
    locked: tuple[str, ...] = ()
    failed: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_map)
    albums: int = 0
    albums_deleted: int = 0
    events: int = 0
    complete: bool = False
    full: bool = False
    would_download: tuple[str, ...] = ()
    assets: int = 0
    files: int = 0
    bytes_downloaded: int = 0
    elapsed: float = 0.0
    dry_run: bool = False
    notes: tuple[str, ...] = ()

    __repr__ = summary_repr

    @property
    def ok(self) -> bool:
        """True when the stream was complete and every file could be had."""
        return self.complete and not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "downloaded": {k: str(v) for k, v in self.downloaded.items()},
            "already_there": {k: str(v) for k, v in self.already_there.items()},
            "updated": list(self.updated),
            "deleted": list(self.deleted),
            "trashed": {k: str(v) for k, v in self.trashed.items()},
            "restored": {k: str(v) for k, v in self.restored.items()},
            "locked": list(self.locked),
            "failed": dict(self.failed),
            "albums": self.albums,
            "albums_deleted": self.albums_deleted,
            "events": self.events,
            "complete": self.complete,
            "full": self.full,
            "would_download": list(self.would_download),
            "assets": self.assets,
            "files": self.files,
            "bytes_downloaded": self.bytes_downloaded,
            "elapsed": self.elapsed,
            "dry_run": self.dry_run,
            "notes": list(self.notes),
            "ok": self.ok,
        }


class UploadLog:
    """Outcomes recorded as they happen; safe to call from several threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.uploaded: dict[Path, str] = {}
        self.duplicates: dict[Path, str] = {}
        self.unsupported: list[Path] = []
        self.failed: dict[Path, str] = {}
        self.would_upload: list[Path] = []
        self.deleted: list[Path] = []
        self.bytes_uploaded = 0

    def add_bytes(self, count: int) -> None:
        with self.lock:
            self.bytes_uploaded += count

    def result(
        self,
        *,
        albums: Mapping[str, str],
        album_failures: Mapping[str, str],
        elapsed: float,
        dry_run: bool,
        **organised: Any,
    ) -> UploadResult:
        """``organised``: what the steps after the uploads made (``stacks``, ``tags``,
        ``dates``, ... as :class:`UploadResult` names them)."""
        with self.lock:
            return UploadResult(
                uploaded=self.uploaded,
                duplicates=self.duplicates,
                unsupported=tuple(self.unsupported),
                failed=self.failed,
                would_upload=tuple(self.would_upload),
                deleted=tuple(self.deleted),
                albums=albums,
                album_failures=album_failures,
                **organised,
                bytes_uploaded=self.bytes_uploaded,
                elapsed=elapsed,
                dry_run=dry_run,
            )


class DownloadLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.downloaded: dict[str, Path] = {}
        self.skipped: dict[str, Path] = {}
        self.failed: dict[str, str] = {}
        self.bytes_downloaded = 0

    def add_bytes(self, count: int) -> None:
        with self.lock:
            self.bytes_downloaded += count

    def result(self, *, elapsed: float) -> DownloadResult:
        with self.lock:
            return DownloadResult(
                downloaded=self.downloaded,
                skipped=self.skipped,
                failed=self.failed,
                bytes_downloaded=self.bytes_downloaded,
                elapsed=elapsed,
            )
