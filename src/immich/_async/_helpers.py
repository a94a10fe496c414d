"""Hand-written workflows mixed into generated API groups (see ``codegen.render.GROUP_MIXINS``):
``client.assets.upload(...)``, ``client.assets.download(...)``, and ``client.download(...)``.

The workflow modules are imported on first call, to keep ``import immich`` quick.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from immich._async._client import AsyncClient
    from immich._transfer.files import PathArg
    from immich._transfer.options import ArchiveOptions, DownloadOptions, UploadOptions
    from immich._transfer.results import DownloadResult, UploadResult


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
