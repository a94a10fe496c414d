"""Bulk download: assets to local files (resumable, verified), or as zip archives."""

from __future__ import annotations

import datetime
import functools
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import httpx

from immich._core import operations as ops
from immich._core.types import UNSET, Unset
from immich._errors import (
    APIStatusError,
    AuthenticationError,
    ImmichError,
    IncompleteDownloadError,
    failure_message,
)
from immich._logging import logger
from immich._sync._lookup import find_album, find_person
from immich._transfer.batches import MIN_BATCHED, batches, unpack
from immich._transfer.concurrency import (
    default_concurrency,
    map_concurrently,
    to_thread,
)
from immich._transfer.files import LocalFile
from immich._transfer.hash_cache import HashCache, from_server, open_hash_cache, sha1_file
from immich._transfer.layout import Layout, NameClaims, TargetFolder, numbered_names
from immich._transfer.partial import (
    BUFFER_SIZE,
    ChecksumMismatch,
    PartialDownload,
    partial_name,
    write_verified,
)
from immich._transfer.paths import inside, name_key, safe_filename
from immich._transfer.progress import ProgressCallback, ProgressTracker
from immich._transfer.results import DownloadLog, DownloadResult
from immich.models.asset_response_dto import AssetResponseDto
from immich.models.asset_visibility import AssetVisibility
from immich.models.download_archive_dto import DownloadArchiveDto

if TYPE_CHECKING:
    from immich._sync._client import Client

# A smart search ranks the whole library; without a limit it would download all of it.
SMART_SEARCH_LIMIT = 250
# Small enough that an interrupted download keeps most of what arrived (a chunk is
# written only once complete), large enough to keep the writes few.
_CHUNK_SIZE = 256 * 1024
# The most a search returns at once: fewer round trips than the server's default 250.
_PAGE_SIZE = 1000
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


def download(
    client: Client,
    destination: str | os.PathLike[str],
    *,
    album: str | None = None,
    asset_ids: Iterable[str] | None = None,
    taken_after: datetime.datetime | None = None,
    taken_before: datetime.datetime | None = None,
    person: str | None = None,
    favorite: bool | None = None,
    query: str | None = None,
    limit: int | None = None,
    layout: str = "{original}",
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    overwrite: bool = False,
    hash_cache: bool | str | os.PathLike[str] = True,
) -> DownloadResult:
    """Download original files into ``destination``: every asset of the user, or those
    the selectors pick.

    Args:
        client: The client to download with.
        destination: The folder to download into (created if missing).
        album: Only this album's assets: its name or id.
        asset_ids: Exactly these assets (not combined with the other selectors).
        taken_after: Only assets taken at or after this time.
        taken_before: Only assets taken before this time.
        person: Only assets showing this person: a name or an id.
        favorite: Favourites only (True), or all but favourites (False).
        query: A smart (CLIP) search: the best ``limit`` matches (default 250).
        limit: At most this many assets.
        layout: Where files go below ``destination``: ``"{original}"`` (the default)
            keeps the original names side by side; ``{album}``, ``{yyyy}``, ``{mm}`` and
            ``{dd}`` (when taken) make folders, as in ``"{album}/{yyyy}/{mm}"``.
        concurrency: Parallel downloads; default ``min(8, 2 x CPUs)``.
        progress: Called with a :class:`~immich._transfer.progress.Progress` as work advances.
        overwrite: Replace an existing file of the same name but other content, rather
            than writing the asset next to it as ``name (2).ext``.
        hash_cache: Where the SHA-1 of files already in ``destination`` is remembered,
            so that an unchanged one is not read again: True for the user's cache folder
            (the default), a path for a database file of your own, False for none.

    Returns a :class:`~immich.DownloadResult` (per asset: downloaded, skipped as already
    there, or failed). ``LookupError`` when ``album`` or ``person`` names none;
    ``ValueError`` for ``asset_ids`` with another selector.

    Small files (up to 256 KiB), when there are a few of them, come a hundred at a time
    in zip archives (``POST /download/archive``) rather than a request each; whatever an
    archive lacks is fetched on its own. A file is written under a temporary name and
    renamed only once its SHA-1 matches the server's checksum. A file that is already
    there with the right checksum is skipped; an interrupted download is resumed by the
    next run (HTTP ``Range``). Names from the server are never used as paths: each
    becomes one safe file name, two assets never share a file (``IMG.jpg``,
    ``IMG (2).jpg``), and nothing is written outside ``destination``. (Assets of external
    libraries carry no content checksum; they are compared by size only.)
    """
    started = time.monotonic()
    plan = Layout(layout)
    workers = default_concurrency() if concurrency is None else concurrency
    if workers < 1:
        raise ValueError("concurrency must be at least 1")
    root = Path(destination)
    log = DownloadLog()
    tracker = ProgressTracker(progress)

    chosen_album = find_album(client, album) if album is not None else None
    assets = _select(
        client,
        album_id=chosen_album.id if chosen_album else None,
        asset_ids=asset_ids,
        taken_after=taken_after,
        taken_before=taken_before,
        person=person,
        favorite=favorite,
        query=query,
        limit=limit,
        workers=workers,
        log=log,
    )
    album_names: dict[str, str] = {}
    if plan.uses_album:
        if chosen_album is not None:
            album_names = dict.fromkeys((a.id for a in assets), chosen_album.album_name)
        else:
            album_names = _albums_of(client, {a.id for a in assets})

    # Only now: a selection that fails (an album by no such name) leaves no folder behind.
    to_thread(functools.partial(root.mkdir, parents=True, exist_ok=True))
    cache = to_thread(open_hash_cache, hash_cache)
    try:
        downloader = _Downloader(
            client,
            root=root,
            layout=plan,
            cache=cache,
            overwrite=overwrite,
            log=log,
            tracker=tracker,
        )
        downloader.run([_wanted(a, album_names.get(a.id)) for a in assets], workers)
    finally:
        to_thread(cache.close)
    return log.result(elapsed=time.monotonic() - started)


def _select(
    client: Client,
    *,
    album_id: str | None,
    asset_ids: Iterable[str] | None,
    taken_after: datetime.datetime | None,
    taken_before: datetime.datetime | None,
    person: str | None,
    favorite: bool | None,
    query: str | None,
    limit: int | None,
    workers: int,
    log: DownloadLog,
) -> list[AssetResponseDto]:
    if asset_ids is not None:
        others = (album_id, taken_after, taken_before, person, favorite, query)
        if any(value is not None for value in others):
            raise ValueError("asset_ids cannot be combined with other selectors")
        ids = list(dict.fromkeys(asset_ids))[:limit]

        def info(asset_id: str) -> AssetResponseDto | None:
            try:
                return client.assets.get_asset_info(asset_id)
            except AuthenticationError:
                raise
            except ImmichError as exc:
                log.failed[asset_id] = failure_message(exc)
                return None

        found = map_concurrently(info, ids, workers)
        return [asset for asset in found if asset is not None]

    person_ids = [find_person(client, person)] if person is not None else UNSET
    album_ids = [album_id] if album_id is not None else UNSET
    if query is not None:
        limit = SMART_SEARCH_LIMIT if limit is None else limit
        source = client.search.iter_smart(
            query=query,
            album_ids=album_ids,
            person_ids=person_ids,
            taken_after=taken_after or UNSET,
            taken_before=taken_before or UNSET,
            is_favorite=UNSET if favorite is None else favorite,
            with_exif=True,
            size=max(1, min(limit, _PAGE_SIZE)),
        )
    else:
        source = _chained(
            client.search.iter_assets(
                album_ids=album_ids,
                person_ids=person_ids,
                taken_after=taken_after or UNSET,
                taken_before=taken_before or UNSET,
                is_favorite=UNSET if favorite is None else favorite,
                visibility=visibility,
                with_exif=True,
                size=_PAGE_SIZE if limit is None else max(1, min(limit, _PAGE_SIZE)),
            )
            for visibility in _visibilities(client)
        )
    assets: dict[str, AssetResponseDto] = {}
    if limit is not None and limit <= 0:
        return []
    for asset in source:
        assets.setdefault(asset.id, asset)
        if limit is not None and len(assets) >= limit:
            break
    return list(assets.values())


def _visibilities(client: Client) -> list[AssetVisibility | Unset]:
    """What to search for to have every asset but the locked ones. A search without a
    visibility finds them all on 3.x, but the timeline's alone on 2.x: there, archived
    and hidden assets (a live photo's video) are asked for by name."""
    if client.server_version() >= (3, 0, 0):
        return [UNSET]
    return [AssetVisibility.TIMELINE, AssetVisibility.ARCHIVE, AssetVisibility.HIDDEN]


def _chained(
    sources: Iterable[Iterator[AssetResponseDto]],
) -> Iterator[AssetResponseDto]:
    for source in sources:
        for asset in source:
            yield asset


def _albums_of(client: Client, asset_ids: set[str]) -> dict[str, str]:
    """Asset id -> the name of an album it is in (the first by name, if several)."""
    names: dict[str, str] = {}
    albums = sorted(client.albums.get_all_albums(), key=lambda a: (a.album_name, a.id))
    for album in albums:
        if album.asset_count == 0:
            continue
        for asset in client.search.iter_assets(album_ids=[album.id]):
            if asset.id in asset_ids:
                names.setdefault(asset.id, album.album_name)
    return names


def _taken(asset: AssetResponseDto) -> datetime.datetime:
    # localDateTime is the wall-clock time where it was taken: the calendar people expect.
    return asset.local_date_time or asset.file_created_at


def _size(asset: AssetResponseDto) -> int | None:
    exif = asset.exif_info
    size = exif.file_size_in_byte if exif else None
    return size if isinstance(size, int) else None


def _content_checksum(asset: AssetResponseDto) -> bytes | None:
    """The SHA-1 of the file's bytes, or None: an external library's assets carry a hash
    of their path instead, until the server has read them."""
    if asset.library_id:
        return None
    return from_server(asset.checksum)


@attrs.frozen
class Wanted:
    """An asset to have on disk, as the downloader needs it: where it goes (its name, when
    it was taken, its album) and what its file holds (SHA-1, size; None when unknown)."""

    id: str
    name: str
    taken: datetime.datetime
    checksum: bytes | None
    size: int | None
    album: str | None
    #: The order of assets that would share a name: the first gets it.
    order: tuple[datetime.datetime, str]


def _wanted(asset: AssetResponseDto, album: str | None) -> Wanted:
    return Wanted(
        asset.id,
        asset.original_file_name,
        _taken(asset),
        _content_checksum(asset),
        _size(asset),
        album,
        (asset.file_created_at, asset.id),
    )


def _existing(path: Path) -> tuple[bool, LocalFile | None]:
    """Whether something is at ``path``, and the file if it is a regular one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return os.path.lexists(path), None
    if not os.path.isfile(path):
        return True, None
    return True, LocalFile.from_stat(path, info)


@attrs.frozen
class _Job:
    asset_id: str
    folder: Path
    target: Path
    expected: bytes | None
    size: int | None
    partial: str  # the name of its partial file in ``folder``
    resumable: bool  # an earlier run left a partial file


def _batchable(job: _Job) -> bool:
    """Small enough to come in an archive, and recognisable there by its checksum."""
    return (
        job.expected is not None
        and job.size is not None
        and job.size <= BUFFER_SIZE
        and not job.resumable
    )


_Placement = tuple[Wanted, tuple[str, ...]]


class _Downloader:
    """Places every asset (a file of its own, or one already holding it), then downloads.

    Assets that would share a name are placed one after the other, so that each finds
    the file that already holds it whatever the order; different names are placed, and
    all files downloaded, concurrently. Each target folder is made and listed once:
    an asset whose name the listing lacks is placed without touching the disk.
    """

    def __init__(
        self,
        client: Client,
        *,
        root: Path,
        layout: Layout,
        cache: HashCache,
        overwrite: bool,
        log: DownloadLog,
        tracker: ProgressTracker,
        on_file: Callable[[str, Path, bytes | None], None] | None = None,
    ) -> None:
        self.client = client
        self.root = root
        self.layout = layout
        #: Called with each asset id, its file and the file's SHA-1 when it is known to
        #: hold the asset: written, or found already there (from worker threads with the
        #: blocking client: it must be thread-safe).
        self.on_file = on_file
        self.cache = cache
        self.overwrite = overwrite
        self.log = log
        self.tracker = tracker
        self.claims = NameClaims()
        self.folders: dict[tuple[str, ...], TargetFolder | Exception] = {}

    def claim(self, path: Path) -> None:
        """Keep ``path`` (a file that holds another asset) from being given to any."""
        self.claims.claim(path.parent, path.name)

    def run(self, assets: list[Wanted], workers: int) -> None:
        groups = self._by_name(assets)
        self._prepare_folders(groups, workers)
        placed = map_concurrently(self._place_group, groups, workers)
        jobs = [job for group in placed for job in group]
        total = sum(a.size or 0 for a in assets)
        self.tracker.start("download", len(assets), total)
        self.tracker.advance(
            files=len(assets) - len(jobs),
            nbytes=total - sum(job.size or 0 for job in jobs),
        )
        map_concurrently(self._work, self._plan(jobs), workers)

    def _plan(self, jobs: list[_Job]) -> list[_Job | list[_Job]]:
        """The jobs, with the small ones gathered into batches (see immich._transfer.batches) when
        there are enough of them; the rest go first (the longest, start first)."""
        small = [job for job in jobs if _batchable(job)]
        if len(small) < MIN_BATCHED:
            return list(jobs)
        alone: list[_Job | list[_Job]] = [job for job in jobs if not _batchable(job)]
        return alone + list(batches(small, lambda job: job.size or 0))

    def _work(self, work: _Job | list[_Job]) -> None:
        if isinstance(work, list):
            self._batch(work)
        else:
            self._job(work)

    def _batch(self, jobs: list[_Job]) -> None:
        """Small files in one archive; whatever it does not bring is fetched on its own."""
        done: set[str] = set()
        try:
            archive = self.client.request(
                ops.DOWNLOAD_ARCHIVE,
                body=DownloadArchiveDto(asset_ids=[job.asset_id for job in jobs], edited=False),
            )
            to_thread(self._unpack, archive, jobs, done)
        except AuthenticationError:
            raise
        except (ImmichError, httpx.HTTPError, zipfile.BadZipFile) as exc:
            # (An older server, a proxy that refuses the POST, an asset gone meanwhile.)
            logger.debug("archive of %d files failed, fetching them one by one: %s", len(jobs), exc)
        for job in jobs:
            if job.asset_id not in done:
                self._job(job)

    def _unpack(self, archive: bytes, jobs: list[_Job], done: set[str]) -> None:
        """Write the files of ``archive`` that match a job's checksum, adding each job's
        id to ``done`` as it is dealt with (written, or failed to write)."""
        wanted: dict[bytes, list[_Job]] = {}
        for job in jobs:
            assert job.expected is not None  # (batchable)
            wanted.setdefault(job.expected, []).append(job)
        largest = max(job.size or 0 for job in jobs)
        for job, content in unpack(archive, wanted, largest):
            done.add(job.asset_id)
            try:
                info = write_verified(job.folder / job.partial, job.target, [content])
            except OSError as exc:
                self.log.failed[job.asset_id] = failure_message(exc)
                self.tracker.advance(files=1, path=job.target)
            else:
                self._downloaded(job, job.expected, info, len(content))

    def _by_name(self, assets: list[Wanted]) -> list[list[_Placement]]:
        groups: dict[tuple[str, ...], list[_Placement]] = {}
        # A stable order, so that runs over the same assets give them the same names.
        for asset in sorted(assets, key=lambda a: a.order):
            relative = self.layout.relative(
                original=asset.name, taken=asset.taken, album=asset.album
            )
            key = tuple(name_key(part) for part in relative)
            groups.setdefault(key, []).append((asset, relative))
        return list(groups.values())

    def _prepare_folders(self, groups: list[list[_Placement]], workers: int) -> None:
        wanted = list(dict.fromkeys(relative[:-1] for group in groups for _, relative in group))

        def prepare(folders: tuple[str, ...]) -> TargetFolder | Exception:
            try:
                return to_thread(TargetFolder.prepare, self.root, folders)
            except (OSError, ValueError) as exc:
                return exc  # the assets meant for it fail; the others go on

        prepared = map_concurrently(prepare, wanted, workers)
        self.folders = dict(zip(wanted, prepared, strict=True))

    def _place_group(self, group: list[_Placement]) -> list[_Job]:
        jobs = []
        for asset, relative in group:
            folder = self.folders[relative[:-1]]
            try:
                if isinstance(folder, Exception):
                    raise folder
                expected = asset.checksum
                size = asset.size
                target, present = self._place(folder, relative[-1], expected, size)
            except (OSError, ValueError) as exc:
                self.log.failed[asset.id] = failure_message(exc)
                continue
            if present:
                with self.log.lock:
                    self.log.skipped[asset.id] = target
                if self.on_file is not None:
                    self.on_file(asset.id, target, expected)
            else:
                partial = partial_name(asset.id)
                resumable = folder.had(partial)
                jobs.append(_Job(asset.id, folder.path, target, expected, size, partial, resumable))
        return jobs

    def _place(
        self, folder: TargetFolder, name: str, expected: bytes | None, size: int | None
    ) -> tuple[Path, bool]:
        """The file for an asset: one that already holds it (then True), else a free name
        (or, with ``overwrite``, the first file of that name holding something else)."""
        replaceable: Path | None = None
        for candidate in numbered_names(name):
            if self.claims.is_claimed(folder.path, candidate):
                continue  # another asset of this run has it
            if not folder.may_hold(candidate):
                found, file = False, None
            else:
                try:
                    target = inside(folder.path, candidate)
                except ValueError:
                    continue  # a symlink out of the destination: leave it be
                found, file = to_thread(_existing, target)
            if file is not None and self._holds(file, expected, size):
                if self.claims.claim(folder.path, candidate):
                    return file.path, True
            elif file is not None:
                if self.overwrite and replaceable is None:
                    replaceable = file.path
            elif not found:
                chosen = replaceable or folder.path / candidate
                if self.claims.claim(folder.path, chosen.name):
                    return chosen, False
                replaceable = None  # taken meanwhile by another name's asset
            # Anything else (a folder, a dangling link) is not ours to replace.
        raise OSError(f"no free file name for {name} in {folder.path}")

    def _holds(self, file: LocalFile, expected: bytes | None, size: int | None) -> bool:
        if expected is None:
            # Without a content checksum the name and size are all there is to compare.
            return size is None or file.size == size
        if size is not None and file.size != size:
            return False
        digest = self.cache.get(file)
        if digest is None:
            digest = to_thread(sha1_file, file.path)
            self.cache.put(file, digest)
        return digest == expected

    def _job(self, job: _Job) -> None:
        try:
            digest, info = self._fetch(job)
        except AuthenticationError:
            raise
        except (ImmichError, httpx.HTTPError, OSError, ChecksumMismatch) as exc:
            self.log.failed[job.asset_id] = failure_message(exc)
            self.tracker.advance(files=1, path=job.target)
        else:
            self._downloaded(job, digest, info, 0)

    def _downloaded(
        self, job: _Job, digest: bytes | None, info: os.stat_result, nbytes: int
    ) -> None:
        """Record a file written whole (``nbytes`` not yet counted)."""
        if digest is not None and self.cache.enabled:
            # The next run need not read it again.
            self.cache.put(LocalFile.from_stat(job.target, info), digest)
        with self.log.lock:
            self.log.downloaded[job.asset_id] = job.target
        if self.on_file is not None:
            self.on_file(job.asset_id, job.target, digest)
        if nbytes:
            self.log.add_bytes(nbytes)
        self.tracker.advance(files=1, nbytes=nbytes, path=job.target)

    def _fetch(self, job: _Job) -> tuple[bytes, os.stat_result]:
        part = PartialDownload(job.folder, job.asset_id, job.partial)
        offset = to_thread(part.resumable_size, job.size) if job.resumable else 0
        try:
            while True:
                if not offset and job.size is not None and job.size <= BUFFER_SIZE:
                    self._transfer_small(job.asset_id, part)
                else:
                    self._transfer(job.asset_id, part, offset)
                try:
                    if part.in_memory:
                        # A small file is created, written, checked and renamed at once:
                        # quicker than the trip to a worker thread (about 200 us under
                        # load, measured) that a large file's final write and close need.
                        return part.finish(job.target, job.expected)
                    return to_thread(part.finish, job.target, job.expected)
                except ChecksumMismatch:
                    if offset == 0:
                        raise
                    offset = 0  # the bytes kept from last time were stale: start over once
        finally:
            part.close()  # after a failure: keep what arrived, for the next run to resume

    def _transfer_small(self, asset_id: str, part: PartialDownload) -> None:
        """A small file in one call: cheaper than a stream (by about a third, measured
        for 1,000 photos), and held in memory until written anyway."""
        data = self.client.request(ops.DOWNLOAD_ASSET, path={"id": asset_id})
        part.open(0)
        part.write(data)
        self.log.add_bytes(len(data))
        self.tracker.advance(nbytes=len(data))

    def _transfer(self, asset_id: str, part: PartialDownload, offset: int) -> None:
        """Stream the asset into ``part``, from ``offset`` on when the server agrees."""
        headers = {"range": f"bytes={offset}-"} if offset else None
        try:
            with self.client.stream(
                ops.DOWNLOAD_ASSET, path={"id": asset_id}, headers=headers
            ) as body:
                start = _start_of(body.http, offset)
                if start:
                    to_thread(part.open, start)  # reads what is kept
                else:
                    part.open(0)  # touches no disk
                for chunk in body.iter_bytes(_CHUNK_SIZE):
                    part.write(chunk)
                    self.log.add_bytes(len(chunk))
                    self.tracker.advance(nbytes=len(chunk))
                announced = None if body.headers.get("content-encoding") else body.content_length
                if announced is not None and part.written - start != announced:
                    raise IncompleteDownloadError(
                        f"download stopped after {part.written - start} of {announced} bytes; "
                        "run again to resume",
                        request=body.http.request,
                    )
        except APIStatusError as exc:
            if exc.status_code != 416 or not offset:
                raise
            # The kept bytes do not fit the file any more: start from scratch.
            to_thread(part.discard)
            self._transfer(asset_id, part, 0)


def _start_of(response: httpx.Response, offset: int) -> int:
    """Where the body starts in the file: ``offset`` for a 206, 0 for a whole file."""
    if response.status_code != 206:
        return 0
    match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "").strip())
    if match is None or int(match.group(1)) != offset:
        raise IncompleteDownloadError(
            f"asked to resume at byte {offset}, the server sent "
            f"{response.headers.get('content-range')!r}",
            request=response.request,
        )
    return offset


def download_archive(
    client: Client,
    destination: str | os.PathLike[str],
    *,
    asset_ids: Iterable[str] | None = None,
    album: str | None = None,
    archive_size: int | None = None,
    progress: ProgressCallback | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Download assets as zip archives into the folder ``destination``; returns the files.

    The server splits a large selection into archives of about ``archive_size`` bytes
    (its default is 4 GiB); each is streamed to disk in constant memory and appears only
    once complete. Archives are named after the album (or ``immich``), numbered when
    there are several.

    Args:
        client: The client to download with.
        destination: The folder to write the archives into (created if missing).
        asset_ids: Exactly these assets (not together with ``album``).
        album: This album's assets: its name or id. With neither, every asset of the
            user.
        archive_size: The size of each archive in bytes, about; the server's default
            is 4 GiB.
        progress: Called with a :class:`~immich._transfer.progress.Progress` as work advances.
        overwrite: Replace an existing archive of the same name, rather than writing
            the new one next to it as ``name (2).zip``.
    """
    if asset_ids is not None and album is not None:
        raise ValueError("pass either asset_ids or album, not both")
    folder = Path(destination)
    to_thread(functools.partial(folder.mkdir, parents=True, exist_ok=True))
    tracker = ProgressTracker(progress)
    label = "immich"
    if album is not None:
        chosen = find_album(client, album)
        label = safe_filename(chosen.album_name, fallback="album")
        info = client.download.get_download_info(
            album_id=chosen.id, archive_size=archive_size or UNSET
        )
    elif asset_ids is not None:
        info = client.download.get_download_info(
            asset_ids=list(asset_ids), archive_size=archive_size or UNSET
        )
    else:
        me = client.users.get_my_user()
        info = client.download.get_download_info(user_id=me.id, archive_size=archive_size or UNSET)
    tracker.start("download", len(info.archives), info.total_size)
    written: list[Path] = []
    for number, archive in enumerate(info.archives, 1):
        name = f"{label}.zip" if len(info.archives) == 1 else f"{label}-{number}.zip"
        target = to_thread(_free_file, folder, name, overwrite)
        with client.download.download_archive_stream(asset_ids=archive.asset_ids) as body:

            def advance(count: int) -> None:
                tracker.advance(nbytes=count)

            body.write_to(target, on_chunk=advance)
        tracker.advance(files=1, path=target)
        written.append(target)
    return written


def _free_file(folder: Path, name: str, overwrite: bool) -> Path:
    for candidate in numbered_names(name):
        target = inside(folder, candidate)
        if overwrite or not os.path.lexists(target):
            return target
    raise OSError(f"no free file name for {name} in {folder}")
