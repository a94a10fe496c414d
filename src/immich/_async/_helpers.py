"""Hand-written workflows mixed into generated API groups (see ``codegen.render.GROUP_MIXINS``):
``client.assets.upload(...)``, ``client.assets.download(...)``, ``client.download(...)``,
and the typed sync stream, ``client.sync.stream(...)`` and ``client.sync.ack(...)``.

The workflow modules are imported on first call, to keep ``import immich`` quick.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from immich._core import operations as ops
from immich._core.sync import Ack, LineSplitter, SyncEvent, SyncLineError, ack_calls, decode_line
from immich._core.types import UNSET, Unset
from immich._errors import APIResponseValidationError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from immich._async._client import AsyncClient
    from immich._transfer.files import PathArg
    from immich._transfer.options import ArchiveOptions, DownloadOptions, UploadOptions
    from immich._transfer.results import DownloadResult, UploadResult
    from immich.models.sync_request_type import SyncRequestType


class AsyncAssetsHelpers:
    """Bulk upload and download on ``client.assets``."""

    __slots__ = ()

    if TYPE_CHECKING:
        _client: AsyncClient

    async def upload(
        self, paths: PathArg | Iterable[PathArg], **options: Unpack[UploadOptions]
    ) -> UploadResult:
        """Upload files and folders, skipping what the server already has.

        The options and behaviour are those of :func:`immich._async.upload.upload`.
        """
        from immich._async.upload import upload

        return await upload(self._client, paths, **options)

    async def download(
        self, destination: PathArg, **options: Unpack[DownloadOptions]
    ) -> DownloadResult:
        """Download original files into the folder ``destination``, resumably and verified.

        The options and behaviour are those of :func:`immich._async.download.download`.
        """
        from immich._async.download import download

        return await download(self._client, destination, **options)

    async def download_archive(
        self, destination: PathArg, **options: Unpack[ArchiveOptions]
    ) -> list[Path]:
        """Download assets as zip archives into the folder ``destination``.

        The options and behaviour are those of :func:`immich._async.download.download_archive`.
        """
        from immich._async.download import download_archive

        return await download_archive(self._client, destination, **options)


class AsyncDownloadHelpers:
    """Makes ``client.download`` callable: ``client.download("photos/", album="Trip")``
    runs the bulk download, while ``client.download.get_download_info(...)`` and the
    other endpoints of the group stay as they are."""

    __slots__ = ()

    if TYPE_CHECKING:
        _client: AsyncClient

    async def __call__(
        self, destination: PathArg, **options: Unpack[DownloadOptions]
    ) -> DownloadResult:
        """Download original files into the folder ``destination``, resumably and verified.

        The options and behaviour are those of :func:`immich._async.download.download`.
        """
        from immich._async.download import download

        return await download(self._client, destination, **options)

    async def archive(self, destination: PathArg, **options: Unpack[ArchiveOptions]) -> list[Path]:
        """Download assets as zip archives into the folder ``destination``.

        The options and behaviour are those of :func:`immich._async.download.download_archive`.
        """
        from immich._async.download import download_archive

        return await download_archive(self._client, destination, **options)


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
        from immich.models.sync_ack_set_dto import SyncAckSetDto

        calls = ack_calls(acks)
        for call in calls:
            await self._client.request(
                ops.SEND_SYNC_ACK, body=SyncAckSetDto(acks=call), timeout=timeout
            )
        return len(calls)
