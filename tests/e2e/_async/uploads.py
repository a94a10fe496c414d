"""The corpus uploaded by a test module's user, and waiting for the server to process it.

``tests/e2e/_sync/uploads.py`` is generated from this file.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from immich import UNSET, AsyncClient, UploadResult
from immich._transfer.concurrency import async_sleep
from immich.models import AssetResponseDto, AssetVisibility
from tests.e2e.corpus import Corpus, make_corpus
from tests.e2e.server import Account, Server

#: The folder the corpus is made in: files at its top go to an album of this name.
ROOT_ALBUM = "Camera Roll"


@dataclass(frozen=True)
class Uploaded:
    corpus: Corpus
    result: UploadResult
    #: The hash cache the upload used (a second run over the folder reads it).
    hash_cache: Path
    #: Relative path -> asset id, for every file uploaded or found a duplicate.
    ids: dict[str, str]
    #: Asset id -> the asset as the server has it once processed.
    assets: dict[str, AssetResponseDto]

    def id(self, relative: str) -> str:
        return self.ids[relative]

    def local(self, relative: str) -> bytes:
        return (self.corpus.root / relative).read_bytes()

    @property
    def asset_ids(self) -> set[str]:
        return set(self.ids.values())


def relative(corpus: Corpus, path: Path) -> str:
    return path.relative_to(corpus.root).as_posix()


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def server_sha1(asset: AssetResponseDto) -> str:
    """The asset's checksum as the server gives it (base64 SHA-1), in hex."""
    return base64.b64decode(asset.checksum).hex()


def is_processed(asset: AssetResponseDto) -> bool:
    """Whether the server has read the file's metadata (the image's size comes from it)
    and made its thumbnail (its thumbhash comes with it; a hidden asset, such as a live
    photo's video, gets none)."""
    exif = asset.exif_info
    return (
        exif is not UNSET
        and exif is not None
        and exif.exif_image_width is not None
        and (asset.thumbhash is not None or asset.visibility == AssetVisibility.HIDDEN)
    )


async def wait_processed(
    client: AsyncClient, ids: Iterable[str], *, timeout: float = 120
) -> dict[str, AssetResponseDto]:
    """Poll the assets until the server has processed every one; returns them."""
    wanted = sorted(set(ids))
    deadline = time.monotonic() + timeout
    while True:
        assets = {asset_id: await client.assets.get_asset_info(asset_id) for asset_id in wanted}
        pending = sorted(a.original_file_name for a in assets.values() if not is_processed(a))
        if not pending:
            return assets
        if time.monotonic() > deadline:
            raise AssertionError(f"the server has not processed {pending} after {timeout:.0f} s")
        await async_sleep(0.25)


async def upload_corpus(server: Server, account: Account, folder: Path) -> Uploaded:
    """Make the corpus in ``folder``, upload it as ``account`` with an album per folder,
    and wait for the server to process it."""
    corpus = make_corpus(folder / ROOT_ALBUM)
    hash_cache = folder / "hashes.sqlite"
    async with AsyncClient(server.url, api_key=account.api_key) as client:
        result = await client.upload(corpus.root, album_from_folder=True, hash_cache=hash_cache)
        ids = {
            relative(corpus, p): i
            for p, i in [*result.uploaded.items(), *result.duplicates.items()]
        }
        assets = await wait_processed(client, ids.values())
    return Uploaded(corpus, result, hash_cache, ids, assets)
