"""Bulk upload: local files and folders to Immich, deduplicated by SHA-1 as the server does."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from immich._core.types import UNSET, Unset
from immich._errors import (
    AuthenticationError,
    ImmichError,
    PermissionDeniedError,
    failure_message,
)
from immich._logging import logger
from immich._sync._lookup import AlbumsByName, albums_by_name
from immich._sync._organise import Plan, SentTimes, organise
from immich._transfer.concurrency import (
    StopFlag,
    default_concurrency,
    map_concurrently,
    to_thread,
)
from immich._transfer.files import LocalFile, PathArg, WalkOptions, upload_timeout, walk
from immich._transfer.hash_cache import HashCache, open_hash_cache, sha1_file
from immich._transfer.ignore import IgnoreRules
from immich._transfer.media import MediaTypes, Selection, UploadGroup, UploadItem, select
from immich._transfer.name_dates import as_upload_time, date_from_name
from immich._transfer.progress import ProgressCallback, ProgressFile, ProgressTracker
from immich._transfer.results import UploadLog, UploadResult
from immich._transfer.stacks import stack_rules
from immich._transfer.tagging import folder_roots, tag_values
from immich.models.asset_bulk_upload_check_item import AssetBulkUploadCheckItem
from immich.models.asset_media_status import AssetMediaStatus
from immich.models.asset_reject_reason import AssetRejectReason
from immich.models.asset_upload_action import AssetUploadAction
from immich.models.asset_visibility import AssetVisibility

if TYPE_CHECKING:
    from immich._sync._client import Client

CHECK_BATCH = 1000  # checksums per bulk-upload-check request
ALBUM_BATCH = 1000  # asset ids per add-to-album request


def upload(
    client: Client,
    paths: PathArg | Iterable[PathArg],
    *,
    recursive: bool = True,
    include_hidden: bool = False,
    ignore: Iterable[str] = (),
    album: str | None = None,
    album_from_folder: bool = False,
    visibility: AssetVisibility | Unset = UNSET,
    favorite: bool | Unset = UNSET,
    dry_run: bool = False,
    delete_uploaded: bool = False,
    delete_duplicates: bool = False,
    concurrency: int | None = None,
    hash_cache: bool | str | os.PathLike[str] = True,
    progress: ProgressCallback | None = None,
    timeout: float | httpx.Timeout | None = None,
    stack: bool | str | Iterable[str] = False,
    tags: Iterable[str] = (),
    tags_from_folders: bool = False,
    date_from_name: bool = False,
    wait: bool = False,
    wait_timeout: float | None = None,
) -> UploadResult:
    """Upload files and folders, skipping what the server already has.

    Folders are walked (``recursive`` by default) for the file types the server accepts
    (``GET /server/media-types``); other files are reported as ``unsupported``. Hidden
    files and folders are skipped unless ``include_hidden``.

    ``ignore`` takes gitignore-like patterns: a pattern without a slash matches a name at
    any depth (``*.tmp``, ``@eaDir``); one with a slash is anchored to the walked folder
    (``/raw``, ``2023/drafts``); a trailing ``/`` matches folders only; ``*`` and ``?``
    stay within one name and ``**`` spans folders (``**/cache``, ``a/**/b``). An ignored
    folder is skipped with all it contains; matching is case-sensitive.

    Every file's SHA-1 is computed (on a thread pool, and remembered in ``hash_cache``
    so that unchanged files are not read again: ``True`` for the user's cache folder,
    a path for a database file of your own, ``False`` for none). The server is asked in
    batches which checksums it already has; only the others are uploaded, streamed from
    disk, ``concurrency`` at a time, each with its checksum so that a retried upload
    cannot create a second asset. A file's creation and modification times become the
    asset's; ``x.xmp`` or ``x.jpg.xmp`` next to ``x.jpg`` goes along as its sidecar. A
    still (HEIC/JPEG) and a video (MOV/MP4) with the same name in one folder are a live
    photo: the video is uploaded first and the still linked to it.

    Once the files are on the server (new ones and those it had already), an upload can
    organise them: ``stack`` them (a RAW under its JPEG; bursts), ``tags`` them, and
    ``wait`` until the server has processed them. Tags are applied only after the server
    has processed a file (read its metadata, made its thumbnails), each asset once: a tag
    given while the server's jobs still run on an asset can be lost.

    Args:
        client: The client to upload with.
        paths: A file or folder, or several.
        recursive: Walk the subfolders of the folders given (the default); False takes
            only the files directly in them.
        include_hidden: Take hidden files and folders too (names starting with ``.``),
            which are skipped by default.
        ignore: Gitignore-like patterns of files and folders to skip: ``*.tmp`` and
            ``@eaDir`` match a name at any depth, ``/raw`` and ``2023/drafts`` are
            anchored to the walked folder, ``cache/`` matches folders only, ``**`` spans
            folders.
        album: Add every uploaded or duplicate asset to this album (found by name,
            created if missing).
        album_from_folder: Add each asset to an album named after its folder (not
            together with ``album``).
        visibility: The new assets' visibility (``archive``, ``hidden``, ...); by default
            the server's, the timeline.
        favorite: Mark the new assets as favourites.
        dry_run: Hash and ask the server, but upload, create and delete nothing;
            ``would_upload`` lists what a real run would send.
        delete_uploaded: Delete each local file (and the sidecar sent with it) once the
            server has stored it.
        delete_duplicates: Delete each local file the server already has (unless its copy
            there is in the trash). Unsupported and failed files are never deleted.
        concurrency: Parallel uploads (and hashing threads); default ``min(8, 2 x CPUs)``.
        hash_cache: Where each file's SHA-1 is remembered, so that an unchanged file is
            not read again: True for the user's cache folder (the default), a path for a
            database file of your own, False for none.
        progress: Called with a :class:`~immich._transfer.progress.Progress` as work advances.
        timeout: Per upload; by default a minute plus a second per MB of the file. Use
            ``httpx.Timeout(None)`` for none.
        stack: Make stacks: ``True`` or ``"raw"`` for a RAW and the JPEG/HEIC of the same
            name in one folder (the JPEG on top); ``"burst"`` for a phone's burst, named
            as one; ``["raw", "burst"]`` for both (the rules:
            :mod:`immich._transfer.stacks`). Files the server had already are stacked
            too; files already stacked together are left as they are.
        tags: Tag every file (new or already there) with these tags; ``"Trips/Rome"``
            is ``Rome`` under ``Trips``. Missing tags are created.
        tags_from_folders: Tag each file with its folder's path below the folder given
            (``Pictures`` given: ``Pictures/Trips/Rome/x.jpg`` is tagged ``Trips/Rome``).
        date_from_name: For files without a date inside (EXIF, a video's container, an
            XMP sidecar), take the date from the file name (``IMG_20240501_102030.jpg``,
            ``2024-05-01 10.20.30.jpg``, WhatsApp's ``IMG-20240501-WA0007.jpg``; the
            rules: :mod:`immich._transfer.name_dates`) rather than the file's times. The
            result's ``dates`` says which date each new asset got and from where (the
            upload waits for the server to read the files' metadata to know).
        wait: Wait until the server has processed every file (metadata read, thumbnails
            made), so that what follows sees their final dates and EXIF; files it could
            not process are in the result's ``unprocessed``.
        wait_timeout: Seconds to wait for the server's processing (``wait``, before
            tagging, ``date_from_name``); files still pending then are ``unprocessed``
            (and not tagged). Default: no limit.

    Returns an :class:`~immich.UploadResult` (per file: uploaded, duplicate,
    unsupported or failed). A path that does not exist raises ``FileNotFoundError``
    before anything is sent; a refused API key raises at once.

    Interrupting (Ctrl-C, task cancellation) stops the uploads in flight and keeps
    everything consistent: the hash cache is committed, nothing unconfirmed is deleted,
    and running again resumes (what reached the server is skipped as a duplicate).
    """
    started = time.monotonic()
    if album is not None and album_from_folder:
        raise ValueError("pass either album or album_from_folder, not both")
    rules = stack_rules(stack)
    tag_list = tag_values(tags)
    limit = default_concurrency() if concurrency is None else concurrency
    if limit < 1:
        raise ValueError("concurrency must be at least 1")
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    options = WalkOptions(recursive, include_hidden, IgnoreRules(ignore))
    tracker = ProgressTracker(progress)
    log = UploadLog()

    types = client.server.get_supported_media_types()
    media = MediaTypes(types.image, types.video, types.sidecar)
    selection = to_thread(_select, given, media, options)
    log.unsupported.extend(selection.unsupported)
    items = selection.items

    digests = _hash_all(items, hash_cache, limit, tracker, log)
    accepted, trashed = _check(client, items, digests, tracker, log)

    uploader = _Uploader(
        client,
        log=log,
        tracker=tracker,
        digests=digests,
        accepted=accepted,
        trashed=trashed,
        visibility=visibility,
        favorite=favorite,
        dry_run=dry_run,
        delete_uploaded=delete_uploaded,
        delete_duplicates=delete_duplicates,
        timeout=timeout,
        date_from_name=date_from_name,
    )
    todo = [item for item in items if item.path in accepted]
    tracker.start("upload", len(todo), sum(item.file.size for item in todo))
    map_concurrently(uploader.group, selection.groups, limit, stop=uploader.stop)

    albums: dict[str, str] = {}
    album_failures: dict[str, str] = {}
    if not dry_run and (album is not None or album_from_folder):
        wanted = _album_members(selection, log, album)
        albums, album_failures = _add_to_albums(client, wanted, tracker)
    plan = Plan(
        stack_rules=rules,
        image_extensions=media.image,
        tags=tag_list,
        tags_from_folders=tags_from_folders,
        roots=tuple(folder_roots(given)),
        date_from_name=date_from_name,
        wait=wait,
        wait_timeout=wait_timeout,
    )
    organised = {}
    if not dry_run and plan.active:
        organised = organise(client, plan, selection, log, trashed, uploader.sent, tracker)
    return log.result(
        albums=albums,
        album_failures=album_failures,
        elapsed=time.monotonic() - started,
        dry_run=dry_run,
        **organised,
    )


def _select(paths: list[PathArg], media: MediaTypes, options: WalkOptions) -> Selection:
    # Sidecars of files named one by one are not found by a folder walk: add them.
    files = walk([*paths, *media.explicit_sidecars(paths)], options)
    return select(files, media)


def _hash_all(
    items: list[UploadItem],
    setting: bool | str | os.PathLike[str],
    limit: int,
    tracker: ProgressTracker,
    log: UploadLog,
) -> dict[Path, bytes]:
    cache: HashCache = to_thread(open_hash_cache, setting)
    try:
        files = [item.file for item in items]
        digests = to_thread(cache.known, files)
        todo = [file for file in files if file.path not in digests]
        tracker.start("hash", len(todo), sum(file.size for file in todo))

        def hash_one(file: LocalFile) -> None:
            try:
                digest = to_thread(sha1_file, file.path)
            except OSError as exc:
                log.failed[file.path] = f"cannot read: {exc.strerror or exc}"
            else:
                cache.put(file, digest)
                digests[file.path] = digest
            tracker.advance(files=1, nbytes=file.size, path=file.path)

        map_concurrently(hash_one, todo, limit)
    finally:
        # Committed even when interrupted: the next run need not read these files again.
        to_thread(cache.close)
    return digests


def _check(
    client: Client,
    items: list[UploadItem],
    digests: dict[Path, bytes],
    tracker: ProgressTracker,
    log: UploadLog,
) -> tuple[set[Path], set[Path]]:
    """Ask the server which files it has. Returns the files to upload, and the
    duplicates whose copy on the server is in the trash."""
    hashed = [item.path for item in items if item.path in digests]
    accepted: set[Path] = set()
    trashed: set[Path] = set()
    tracker.start("check", len(hashed))
    for start in range(0, len(hashed), CHECK_BATCH):
        batch = hashed[start : start + CHECK_BATCH]
        answer = client.assets.check_bulk_upload(
            assets=[
                AssetBulkUploadCheckItem(id=str(index), checksum=digests[path].hex())
                for index, path in enumerate(batch)
            ]
        )
        results = {result.id: result for result in answer.results}
        for index, path in enumerate(batch):
            result = results.get(str(index))
            if result is None or result.action == AssetUploadAction.ACCEPT:
                # Not answered: uploading is safe, the checksum header dedupes it.
                accepted.add(path)
            elif result.reason == AssetRejectReason.DUPLICATE and result.asset_id:
                log.duplicates[path] = result.asset_id
                if result.is_trashed:
                    trashed.add(path)
            elif result.reason == AssetRejectReason.UNSUPPORTED_FORMAT:
                log.unsupported.append(path)
            else:
                log.failed[path] = f"refused by the server: {result.reason or 'no reason'}"
        tracker.advance(files=len(batch))
    return accepted, trashed


class _Uploader:
    """Uploads the groups, one worker per group at a time (a live photo's two files in
    order), and deletes local files once the server has confirmed them."""

    def __init__(
        self,
        client: Client,
        *,
        log: UploadLog,
        tracker: ProgressTracker,
        digests: dict[Path, bytes],
        accepted: set[Path],
        trashed: set[Path],
        visibility: AssetVisibility | Unset,
        favorite: bool | Unset,
        dry_run: bool,
        delete_uploaded: bool,
        delete_duplicates: bool,
        timeout: float | httpx.Timeout | None,
        date_from_name: bool = False,
    ) -> None:
        self.client = client
        self.log = log
        self.tracker = tracker
        self.digests = digests
        self.accepted = accepted
        self.trashed = trashed
        self.visibility = visibility
        self.favorite = favorite
        self.dry_run = dry_run
        self.delete_uploaded = delete_uploaded
        self.delete_duplicates = delete_duplicates
        self.timeout = timeout
        self.date_from_name = date_from_name
        #: The times each uploaded file was sent with (to tell later where its date came from).
        self.sent: dict[Path, SentTimes] = {}
        self.stop = StopFlag()

    def group(self, group: UploadGroup) -> None:
        video_id: str | None = None
        for position, item in enumerate(group.items):
            is_still = group.is_live_photo and position == 1
            asset_id = self.item(item, live_photo_video_id=video_id if is_still else None)
            if group.is_live_photo and not is_still:
                video_id = asset_id
        if not self.dry_run and (self.delete_uploaded or self.delete_duplicates):
            for item in group.items:
                to_thread(self._delete_if_confirmed, item)

    def item(self, item: UploadItem, *, live_photo_video_id: str | None) -> str | None:
        """Upload one file if the server wants it; returns its asset id when it has one."""
        path = item.path
        if path in self.log.duplicates:
            return self.log.duplicates[path]
        if path not in self.accepted:
            return None  # unsupported or failed earlier
        if self.dry_run:
            self.log.would_upload.append(path)
            self.tracker.advance(files=1, nbytes=item.file.size, path=path)
            return None
        sent = 0

        def on_read(count: int) -> None:
            nonlocal sent
            sent += count
            self.log.add_bytes(count)
            self.tracker.advance(nbytes=count)

        times = self._times(item)
        try:
            reader = ProgressFile(path, on_read, self.stop)
            try:
                answer = self.client.assets.upload_asset(
                    asset_data=(path.name, reader),
                    filename=_name_field(item),
                    file_created_at=times.created,
                    file_modified_at=times.modified,
                    x_immich_checksum=self.digests[path].hex(),
                    sidecar_data=item.sidecar if item.sidecar is not None else UNSET,
                    live_photo_video_id=live_photo_video_id or UNSET,
                    is_favorite=self.favorite,
                    visibility=self.visibility,
                    timeout=upload_timeout(item.file.size, self.timeout),
                )
            finally:
                reader.close()
        except (AuthenticationError, PermissionDeniedError):
            raise  # every other file would fail the same way
        except (ImmichError, httpx.HTTPError, OSError) as exc:
            self.log.failed[path] = failure_message(exc)
            answer = None
        # The bar reaches the file's end whatever happened to it.
        self.tracker.advance(files=1, nbytes=max(item.file.size - sent, 0), path=path)
        if answer is None:
            return None
        if answer.status == AssetMediaStatus.DUPLICATE:
            self.log.duplicates[path] = answer.id
        else:
            self.log.uploaded[path] = answer.id
            self.sent[path] = times
        return answer.id

    def _times(self, item: UploadItem) -> SentTimes:
        """The file's times; with ``date_from_name``, its name's date where it has one.

        Immich dates a file without a date inside by the earlier of the two times sent:
        the name's date is sent as the creation time, and the modification time is kept
        unless it is earlier (then the name's date goes in both).
        """
        created, modified = item.file.created_at, item.file.modified_at
        found = date_from_name(item.path.name) if self.date_from_name else None
        if found is None:
            return SentTimes(created, modified)
        named = as_upload_time(found.taken)
        return SentTimes(named, max(modified, named), found)

    def _delete_if_confirmed(self, item: UploadItem) -> None:
        """Delete only what the server confirmed: stored now, or already there (and not
        in its trash, which would empty itself later)."""
        path = item.path
        doomed: list[Path] = []
        if self.delete_uploaded and path in self.log.uploaded:
            doomed = [path] + ([item.sidecar] if item.sidecar is not None else [])
        elif self.delete_duplicates and path in self.log.duplicates and path not in self.trashed:
            doomed = [path]
        for victim in doomed:
            try:
                victim.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                logger.warning("could not delete %s: %s", victim, exc)
                continue
            with self.log.lock:
                self.log.deleted.append(victim)


def _name_field(item: UploadItem) -> str | Unset:
    """The file's name for the ``filename`` field, when the multipart file name would
    not bring it to the server intact: there '"' and control characters arrive escaped
    (``%22``, ``%0A``), and the server cuts the name at a backslash.

    Not with a sidecar: the server judges every file part by that field, and would
    refuse the ``.xmp`` as an unsupported type. (The field came with v1.135; older
    servers drop fields they do not know.)
    """
    name = item.path.name
    if item.sidecar is not None or not any(c in '"\\' or c < " " for c in name):
        return UNSET
    return name


def _album_members(selection: Selection, log: UploadLog, album: str | None) -> dict[str, list[str]]:
    """Album name -> asset ids: uploaded and duplicate files alike; a live photo's video
    is part of its still, not an album entry of its own."""
    members: dict[str, list[str]] = {}
    for group in selection.groups:
        items = group.items[1:] if group.is_live_photo else group.items
        for item in items:
            asset_id = log.uploaded.get(item.path) or log.duplicates.get(item.path)
            name = album if album is not None else item.path.parent.name
            if asset_id and name:
                members.setdefault(name, []).append(asset_id)
    return members


def _add_to_albums(
    client: Client, members: dict[str, list[str]], tracker: ProgressTracker
) -> tuple[dict[str, str], dict[str, str]]:
    """Add assets to albums by name, reusing existing albums. Returns the albums used
    (name -> id) and the albums that could not be filled (name -> message)."""
    tracker.start("album", len(members), sum(len(ids) for ids in members.values()))
    existing = albums_by_name(client, members) if members else AlbumsByName({}, {})
    used: dict[str, str] = {}
    failures: dict[str, str] = {}
    for name, asset_ids in members.items():
        try:
            album_id = existing.ids.get(name)
            if album_id is None:
                if name in existing.near:
                    warnings.warn(
                        f"creating the album {name!r} beside {existing.near[name][0]!r}: their "
                        "names differ only in case or spaces (pass the existing name to use it)",
                        UserWarning,
                        stacklevel=2,
                    )
                album_id = (client.albums.create_album(album_name=name)).id
            used[name] = album_id
            for start in range(0, len(asset_ids), ALBUM_BATCH):
                batch = list(dict.fromkeys(asset_ids[start : start + ALBUM_BATCH]))
                client.albums.add_assets_to_album(album_id, ids=batch)
                tracker.advance(nbytes=len(batch))
        except AuthenticationError:
            raise
        except ImmichError as exc:  # e.g. a shared album we may only view
            failures[name] = failure_message(exc)
        tracker.advance(files=1)
    return used, failures
