"""``/assets/{id}/original`` (with Range support, for resumable downloads) and thumbnails."""

from __future__ import annotations

import urllib.parse
from pathlib import PurePath

from .._blobs import iter_blob
from .._errors import ApiError, not_found
from .._http import FakeResponse
from .._jpeg import TINY_JPEG, TINY_WEBP
from .._ranges import RangeNotSatisfiable, parse_range
from .._router import Call, RouteGroup
from .._sharing import downloadable_asset, readable_asset
from .._wire import checksum_to_base64, format_http_date

THUMBNAIL_SIZES = ("original", "fullsize", "preview", "thumbnail")

routes = RouteGroup()


@routes.get("/assets/{id}/original", "downloadAsset", shared_link=True)
def download_asset(call: Call) -> FakeResponse:
    asset = downloadable_asset(call, call.path_id())
    if asset is None:
        # Immich sends files through one helper that answers every failure with a bare 404.
        raise not_found("Not Found")
    size = asset.blob.size
    etag = f'"{checksum_to_base64(asset.checksum)}"'
    headers = [
        ("content-type", asset.mime_type),
        ("accept-ranges", "bytes"),
        ("etag", etag),
        ("last-modified", format_http_date(asset.file_modified_at)),
        ("cache-control", "private, max-age=86400, no-transform"),
        (
            "content-disposition",
            inline_disposition(asset.original_file_name),
        ),
    ]
    if_range = call.request.headers.get("if-range")
    range_header = call.request.headers.get("range")
    if if_range is not None and if_range != etag:
        # The file changed since the client's partial copy: it must start over.
        range_header = None
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable:
        raise ApiError(
            416, "Range Not Satisfiable", headers=[("content-range", f"bytes */{size}")]
        ) from None
    if byte_range is None:
        return FakeResponse(200, headers, iter_blob(asset.blob), content_length=size)
    headers.append(("content-range", byte_range.content_range(size)))
    return FakeResponse(
        206,
        headers,
        iter_blob(asset.blob, byte_range.start, byte_range.end + 1),
        content_length=byte_range.length,
    )


@routes.get("/assets/{id}/thumbnail", "viewAsset", shared_link=True)
def view_asset(call: Call) -> FakeResponse:
    asset = readable_asset(call, call.path_id())
    if asset is None:
        raise not_found("Not Found")
    size = call.query_choice("size", THUMBNAIL_SIZES) or "thumbnail"
    # Immich makes thumbnails in WebP and previews in JPEG, named after the original.
    extension, media_type, data = (
        ("webp", "image/webp", TINY_WEBP)
        if size == "thumbnail"
        else ("jpeg", "image/jpeg", TINY_JPEG)
    )
    stem = PurePath(asset.original_file_name).stem
    headers = [
        ("content-type", media_type),
        ("cache-control", "private, max-age=86400, no-transform"),
        ("accept-ranges", "bytes"),
        ("content-disposition", inline_disposition(f"{stem}_{size}.{extension}")),
    ]
    return FakeResponse(200, headers, data)


def inline_disposition(filename: str) -> str:
    """Immich's Content-Disposition for every file it sends, originals included."""
    return "inline; filename*=UTF-8''" + urllib.parse.quote(filename, safe="!'()*-._~")
