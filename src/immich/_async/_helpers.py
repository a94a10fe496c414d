"""Hand-written workflows mixed into generated API groups (see ``codegen.render.GROUP_MIXINS``):
``client.assets.upload(...)`` (which is also ``client.upload``), ``client.assets.download(...)``,
``client.download(...)``, and the typed sync stream, ``client.sync.stream(...)`` and
``client.sync.ack(...)``.

The workflow modules are imported on first call, to keep ``import immich`` quick. Their
options are spelled out here, keyword by keyword, so that ``help()`` and editors show
them; ``tests/test_workflow_options.py`` keeps them the same as the functions'.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from immich._core import operations as ops
from immich._core.types import UNSET, Unset

if TYPE_CHECKING:
    import datetime
    import os

    import httpx

    from immich._async._client import AsyncClient
    from immich._core.sync import Ack, SyncEvent
    from immich._transfer.files import PathArg
    from immich._transfer.progress import ProgressCallback
    from immich._transfer.results import DownloadResult, UploadResult
    from immich.models.asset_visibility import AssetVisibility
    from immich.models.sync_request_type import SyncRequestType


class _HasClient(Protocol):
    """What ``upload`` needs of its ``self``: ``client.assets``, or the client itself
    (``client.upload`` is the same function)."""

    @property
    def _client(self) -> AsyncClient: ...


class AsyncAssetsHelpers:
    """Bulk upload and download on ``client.assets``."""

    __slots__ = ()

    if TYPE_CHECKING:
        _client: AsyncClient

    async def upload(
        self: _HasClient,
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

        Folders are walked for the file types the server accepts; each file's SHA-1 is
        checked with the server first, and only what it lacks is uploaded (with its
        sidecar, live photos linked). Running again resumes an interrupted upload. See
        :func:`immich._async.upload.upload` for the details.

        Args:
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

        Returns:
            An :class:`~immich.UploadResult`: per file, uploaded, duplicate, unsupported
            or failed.

        Raises:
            FileNotFoundError: A path does not exist (before anything is sent).
            ValueError: ``album`` and ``album_from_folder`` together, or ``concurrency``
                below 1.
            AuthenticationError: The server refused the credentials (at once, not per
                file).
            PermissionDeniedError: The API key may not upload (at once).
        """
        from immich._async.upload import upload

        return await upload(
            self._client,
            paths,
            recursive=recursive,
            include_hidden=include_hidden,
            ignore=ignore,
            album=album,
            album_from_folder=album_from_folder,
            visibility=visibility,
            favorite=favorite,
            dry_run=dry_run,
            delete_uploaded=delete_uploaded,
            delete_duplicates=delete_duplicates,
            concurrency=concurrency,
            hash_cache=hash_cache,
            progress=progress,
            timeout=timeout,
            stack=stack,
            tags=tags,
            tags_from_folders=tags_from_folders,
            date_from_name=date_from_name,
            wait=wait,
            wait_timeout=wait_timeout,
        )

    async def download(
        self,
        destination: PathArg,
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
        """Download original files into the folder ``destination``, resumably and verified.

        Every asset of the user, or those the selectors pick. A file is written under a
        temporary name and kept only once its SHA-1 matches the server's; one already
        there is skipped, and an interrupted download resumes on the next run. See
        :func:`immich._async.download.download` for the details.

        Args:
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

        Returns:
            A :class:`~immich.DownloadResult`: per asset, downloaded, skipped as already
            there, or failed.

        Raises:
            LookupError: ``album`` or ``person`` names none (or several people).
            ValueError: ``asset_ids`` with another selector, or ``concurrency`` below 1.
            AuthenticationError: The server refused the credentials (at once, not per
                file).
        """
        from immich._async.download import download

        return await download(
            self._client,
            destination,
            album=album,
            asset_ids=asset_ids,
            taken_after=taken_after,
            taken_before=taken_before,
            person=person,
            favorite=favorite,
            query=query,
            limit=limit,
            layout=layout,
            concurrency=concurrency,
            progress=progress,
            overwrite=overwrite,
            hash_cache=hash_cache,
        )

    async def download_archive(
        self,
        destination: PathArg,
        *,
        asset_ids: Iterable[str] | None = None,
        album: str | None = None,
        archive_size: int | None = None,
        progress: ProgressCallback | None = None,
        overwrite: bool = False,
    ) -> list[Path]:
        """Download assets as zip archives into the folder ``destination``.

        The server packs them into archives of about ``archive_size`` bytes; each is
        streamed to disk and appears only once complete. See
        :func:`immich._async.download.download_archive` for the details.

        Args:
            destination: The folder to write the archives into (created if missing).
            asset_ids: Exactly these assets (not together with ``album``).
            album: This album's assets: its name or id. With neither, every asset of the
                user.
            archive_size: The size of each archive in bytes, about; the server's default
                is 4 GiB.
            progress: Called with a :class:`~immich._transfer.progress.Progress` as work advances.
            overwrite: Replace an existing archive of the same name, rather than writing
                the new one next to it as ``name (2).zip``.

        Returns:
            The archives written, in order.

        Raises:
            LookupError: ``album`` names none.
            ValueError: ``asset_ids`` and ``album`` together.
            IncompleteDownloadError: An archive ended early (nothing of it is kept).
        """
        from immich._async.download import download_archive

        return await download_archive(
            self._client,
            destination,
            asset_ids=asset_ids,
            album=album,
            archive_size=archive_size,
            progress=progress,
            overwrite=overwrite,
        )


class AsyncDownloadHelpers:
    """Makes ``client.download`` callable: ``client.download("photos/", album="Trip")``
    runs the bulk download, while ``client.download.get_download_info(...)`` and the
    other endpoints of the group stay as they are."""

    __slots__ = ()

    if TYPE_CHECKING:
        _client: AsyncClient

    # The same functions as client.assets.download and .download_archive.
    __call__ = AsyncAssetsHelpers.download
    archive = AsyncAssetsHelpers.download_archive


class AsyncSyncHelpers:
    """The sync protocol, typed: ``client.sync.stream(types)`` and ``client.sync.ack(...)``.

    The endpoints refuse API keys: the client needs a session (:meth:`AsyncClient.login`),
    and the checkpoints the acks set belong to that session.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        _client: AsyncClient

    async def stream(
        self,
        types: Iterable[SyncRequestType | str],
        *,
        reset: bool = False,
        timeout: float | httpx.Timeout | None | Unset = UNSET,
    ) -> AsyncIterator[SyncEvent]:
        """The changes since the session's last acknowledged checkpoint, one
        :class:`~immich._core.sync.SyncEvent` at a time, as the server sends them::

            async for event in client.sync.stream(["AssetsV2", "AlbumsV2"]):
                if event.type == "AssetV2":
                    print(event.data.original_file_name)   # a SyncAssetV2
            await client.sync.ack(events_you_stored)

        Read in constant memory, whatever the length of the stream. The server orders the
        types itself, sends deletes before upserts within a type, and ends a complete
        stream with ``SyncCompleteV1``; a ``SyncResetV1`` alone means: forget what you
        stored, ack it, and stream again. A type or field a newer server adds does not
        break the stream: an unknown type comes through with its data as a plain dict.
        A stream that breaks off raises :class:`~immich.IncompleteDownloadError`.

        Args:
            types: What to stream (``SyncRequestType`` values, e.g. ``"AssetsV2"``).
            reset: Forget the session's checkpoints first (stream everything).
            timeout: Overrides the client's timeout (each read waits at most this long).
        """
        from immich._core.sync import LineSplitter, SyncLineError, decode_line
        from immich._errors import APIResponseValidationError
        from immich.models.sync_request_type import SyncRequestType as RequestType
        from immich.models.sync_stream_dto import SyncStreamDto

        body = SyncStreamDto(types=[RequestType(t) for t in types], reset=True if reset else UNSET)
        splitter = LineSplitter()
        async with self._client.stream(ops.GET_SYNC_STREAM, body=body, timeout=timeout) as answer:
            try:
                async for chunk in answer.aiter_bytes(None):
                    for line in splitter.feed(chunk):
                        yield decode_line(line)
                last = splitter.rest()
                if last is not None:
                    yield decode_line(last)
            except SyncLineError as exc:
                raise APIResponseValidationError(str(exc), response=answer.http) from None

    async def ack(
        self,
        acks: Iterable[SyncEvent | Ack | str],
        *,
        timeout: float | httpx.Timeout | None | Unset = UNSET,
    ) -> int:
        """Acknowledge events (or ack strings) once what they carry is stored; returns how
        many calls it took.

        Only the last ack of each type is sent (the server keeps the last per type), in
        calls of at most 1,000; a ``SyncResetV1`` ack goes in a call of its own. Nothing
        is sent for an empty list.
        """
        from immich._core.sync import ack_calls
        from immich.models.sync_ack_set_dto import SyncAckSetDto

        calls = ack_calls(acks)
        for call in calls:
            await self._client.request(
                ops.SEND_SYNC_ACK, body=SyncAckSetDto(acks=call), timeout=timeout
            )
        return len(calls)
