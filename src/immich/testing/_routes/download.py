"""``/download/info`` and ``/download/archive``: assets grouped into archives, then zipped."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from .._blobs import iter_blob
from .._errors import bad_request, no_access
from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .._sharing import downloadable_asset, readable_album
from .._state import Asset
from .._zipstream import ZipEntry, iter_zip

# Immich's default archive size limit: 4 GiB.
DEFAULT_ARCHIVE_SIZE = 4 * 1024**3

routes = RouteGroup()


@routes.post("/download/info", "getDownloadInfo", shared_link=True)
def get_download_info(call: Call) -> FakeResponse:
    fields = call.json()
    asset_ids = fields.uuid_list("assetIds")
    album_id = fields.uuid("albumId")
    user_id = fields.uuid("userId")
    limit = fields.integer("archiveSize", minimum=1) or DEFAULT_ARCHIVE_SIZE
    state, user = call.state, call.user
    assets: list[Asset]
    if asset_ids is not None:
        found = [downloadable_asset(call, asset_id) for asset_id in asset_ids]
        if any(asset is None for asset in found):
            raise no_access("asset.download")
        assets = [asset for asset in found if asset is not None]
    elif album_id is not None:
        album = readable_album(call, album_id, download=True)
        if album is None:
            raise no_access("album.download")
        assets = [asset for asset in state.album_assets(album) if not asset.is_trashed]
    elif user_id is not None:
        if user_id != user.id:
            raise no_access("timeline.download")
        assets = [asset for asset in state.owned_assets(user.id) if not asset.is_trashed]
    else:
        raise bad_request("assetIds, albumId, or userId is required")

    archives: list[dict[str, Any]] = []
    current: dict[str, Any] = {"assetIds": [], "size": 0}
    for asset in assets:
        current["assetIds"].append(asset.id)
        current["size"] += asset.blob.size
        # As in Immich, an archive closes once it has gone past the limit.
        if current["size"] > limit:
            archives.append(current)
            current = {"assetIds": [], "size": 0}
    if current["assetIds"]:
        archives.append(current)
    total = sum(asset.blob.size for asset in assets)
    return json_response(201, {"totalSize": total, "archives": archives})


def _unique_names(assets: list[Asset]) -> Iterator[tuple[str, Asset]]:
    """Repeated file names get ``+1``, ``+2``... before the extension, as Immich names them."""
    seen: dict[str, int] = {}
    for asset in assets:
        name = asset.original_file_name
        count = seen.get(name.lower(), 0)
        seen[name.lower()] = count + 1
        if count:
            path = PurePath(name)
            name = f"{path.stem}+{count}{path.suffix}"
        yield name, asset


@routes.post("/download/archive", "downloadArchive", shared_link=True)
def download_archive(call: Call) -> FakeResponse:
    fields = call.json()
    asset_ids = fields.required_uuid_list("assetIds")
    fields.boolean("edited")
    found = [downloadable_asset(call, asset_id) for asset_id in asset_ids]
    if any(asset is None for asset in found):
        raise no_access("asset.download")
    assets = [asset for asset in found if asset is not None]
    entries = [
        ZipEntry(
            name=name,
            size=asset.blob.size,
            modified_at=asset.file_modified_at,
            read_chunks=functools.partial(iter_blob, asset.blob),
        )
        for name, asset in _unique_names(assets)
    ]
    # Immich streams archives as plain octet-streams.
    headers = [("content-type", "application/octet-stream")]
    return FakeResponse(200, headers, iter_zip(entries))
