"""``/assets/{id}/original`` (with Range support, for resumable downloads) and thumbnails."""

from __future__ import annotations

import urllib.parse

from .._blobs import iter_blob
from .._errors import ApiError, bad_request, not_found
from .._http import FakeResponse
from .._jpeg import TINY_JPEG
from .._ranges import RangeNotSatisfiable, parse_range
from .._router import Call, RouteGroup
from .._wire import checksum_to_base64, format_http_date

THUMBNAIL_SIZES = ("original", "fullsize", "preview", "thumbnail")

routes = RouteGroup()


@routes.get("/assets/{id}/original", "downloadAsset")
def download_asset(call: Call) -> FakeResponse:
    asset = call.state.readable_asset(call.user, call.path_id())
    if asset is None:
        raise not_found("Asset not found")
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
            "attachment; filename*=UTF-8''" + urllib.parse.quote(asset.original_file_name),
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


@routes.get("/assets/{id}/thumbnail", "viewAsset")
def view_asset(call: Call) -> FakeResponse:
    asset = call.state.readable_asset(call.user, call.path_id())
    if asset is None:
        raise not_found("Asset not found")
    size = call.query("size") or "thumbnail"
    if size not in THUMBNAIL_SIZES:
        raise bad_request(f"size must be one of: {', '.join(THUMBNAIL_SIZES)}")
    headers = [
        ("content-type", "image/jpeg"),
        ("cache-control", "private, max-age=86400, no-transform"),
    ]
    return FakeResponse(200, headers, TINY_JPEG)
