"""The keyword options of the bulk workflows, for the methods that pass them through.

``client.upload(paths, **options)`` and ``client.assets.upload(...)`` take the options of
:func:`immich._async.upload.upload`; these TypedDicts let type checkers and editors see
them without the client importing the workflow modules up front. mypy checks them
against the functions' signatures where they are passed on.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from typing import TypedDict

import httpx

from immich._core.types import Unset
from immich._transfer.progress import ProgressCallback
from immich.models.asset_visibility import AssetVisibility


class UploadOptions(TypedDict, total=False):
    recursive: bool
    include_hidden: bool
    ignore: Iterable[str]
    album: str | None
    album_from_folder: bool
    visibility: AssetVisibility | Unset
    favorite: bool | Unset
    dry_run: bool
    delete_uploaded: bool
    delete_duplicates: bool
    concurrency: int | None
    hash_cache: bool | str | os.PathLike[str]
    progress: ProgressCallback | None
    timeout: float | httpx.Timeout | None


class DownloadOptions(TypedDict, total=False):
    album: str | None
    asset_ids: Iterable[str] | None
    taken_after: datetime.datetime | None
    taken_before: datetime.datetime | None
    person: str | None
    favorite: bool | None
    query: str | None
    limit: int | None
    layout: str
    concurrency: int | None
    progress: ProgressCallback | None
    overwrite: bool
    hash_cache: bool | str | os.PathLike[str]


class ArchiveOptions(TypedDict, total=False):
    asset_ids: Iterable[str] | None
    album: str | None
    archive_size: int | None
    progress: ProgressCallback | None
    overwrite: bool


class MirrorOptions(TypedDict, total=False):
    email: str | None
    password: str | None
    layout: str | None
    prune: bool
    album_links: bool
    verify: bool
    full: bool
    dry_run: bool
    concurrency: int | None
    progress: ProgressCallback | None
    hash_cache: bool | str | os.PathLike[str]
