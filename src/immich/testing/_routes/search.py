"""``POST /search/metadata``: Immich's filters over the caller's own assets, paged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .._dto import asset_dto
from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .._state import Asset, FakeState
from .._validation import JsonFields
from .._wire import parse_checksum
from .assets import VISIBILITIES

ASSET_TYPES = ("IMAGE", "VIDEO", "AUDIO", "OTHER")
DEFAULT_PAGE_SIZE = 250
# Filters on data the fake never has (EXIF places and cameras, faces, OCR, derived files):
# a value matches no asset, and null or false matches every asset, which is what Immich
# answers for assets that were never analysed.
_ABSENT_DATA_FILTERS = (
    "city",
    "country",
    "state",
    "make",
    "model",
    "lensModel",
    "ocr",
    "encodedVideoPath",
    "previewPath",
    "thumbnailPath",
)
_NEVER_TRUE_FLAGS = ("isEncoded", "isMotion")

routes = RouteGroup()

AssetFilter = Callable[[Asset], bool]
MomentOf = Callable[[Asset], datetime | None]
TextOf = Callable[[Asset], str]


def _within(moment_of: MomentOf, after: datetime | None, before: datetime | None) -> AssetFilter:
    def accepts(asset: Asset) -> bool:
        moment = moment_of(asset)
        if moment is None:
            return False
        return (after is None or moment >= after) and (before is None or moment <= before)

    return accepts


def _contains(text_of: TextOf, needle: str) -> AssetFilter:
    """Immich matches names and paths as case-insensitive substrings."""
    needle = needle.lower()
    return lambda asset: needle in text_of(asset).lower()


def _date_filters(fields: JsonFields) -> list[AssetFilter]:
    bounds: tuple[tuple[str, MomentOf], ...] = (
        ("taken", lambda asset: asset.file_created_at),
        ("created", lambda asset: asset.created_at),
        ("updated", lambda asset: asset.updated_at),
        ("trashed", lambda asset: asset.deleted_at),
    )
    filters: list[AssetFilter] = []
    for prefix, moment_of in bounds:
        after = fields.datetime(f"{prefix}After")
        before = fields.datetime(f"{prefix}Before")
        if after is not None or before is not None:
            filters.append(_within(moment_of, after, before))
    return filters


def _text_filters(fields: JsonFields) -> list[AssetFilter]:
    texts: tuple[tuple[str, TextOf], ...] = (
        ("originalFileName", lambda asset: asset.original_file_name),
        ("originalPath", lambda asset: asset.original_path),
        ("description", lambda asset: asset.description),
    )
    filters: list[AssetFilter] = []
    for name, text_of in texts:
        needle = fields.string(name)
        if needle is not None:
            filters.append(_contains(text_of, needle))
    return filters


def _build_filters(state: FakeState, fields: JsonFields) -> list[AssetFilter]:
    filters = _date_filters(fields) + _text_filters(fields)

    asset_id = fields.uuid("id")
    if asset_id is not None:
        filters.append(lambda asset: asset.id == asset_id)

    checksum_text = fields.string("checksum")
    if checksum_text is not None:
        checksum = parse_checksum(checksum_text)
        filters.append(lambda asset: asset.checksum == checksum)

    asset_type = fields.choice("type", ASSET_TYPES)
    if asset_type is not None:
        filters.append(lambda asset: asset.type == asset_type)

    is_favorite = fields.boolean("isFavorite")
    if is_favorite is not None:
        filters.append(lambda asset: asset.is_favorite == is_favorite)

    is_offline = fields.boolean("isOffline")
    if is_offline is not None:
        filters.append(lambda asset: asset.is_offline == is_offline)

    visibility = fields.choice("visibility", VISIBILITIES)
    if visibility is not None:
        filters.append(lambda asset: asset.visibility == visibility)
    else:
        filters.append(lambda asset: asset.visibility != "locked")

    # Immich searches the trash too when asked for trashed times or offline assets
    # (which a scan moved there).
    trash_filtered = fields.has("trashedAfter") or fields.has("trashedBefore") or bool(is_offline)
    if not fields.boolean("withDeleted") and not trash_filtered:
        filters.append(lambda asset: not asset.is_trashed)

    if fields.has("libraryId"):
        library_id = fields.uuid("libraryId", nullable=True)
        filters.append(lambda asset: asset.library_id == library_id)

    if fields.has("rating"):
        rating = fields.integer("rating", minimum=-1, maximum=5, nullable=True)
        filters.append(lambda asset: asset.rating == rating)

    album_ids = fields.uuid_list("albumIds") or []
    if album_ids:
        # An asset must be in every album named, as in Immich.
        album_members = [
            set(album.asset_ids) if album else set()
            for album in (state.albums.get(album_id) for album_id in album_ids)
        ]
        filters.append(lambda asset: all(asset.id in members for members in album_members))

    if fields.boolean("isNotInAlbum"):
        in_albums = {asset_id for album in state.albums.values() for asset_id in album.asset_ids}
        filters.append(lambda asset: asset.id not in in_albums)

    if fields.has("tagIds"):
        tag_ids = fields.uuid_list("tagIds", nullable=True)
        if tag_ids is None:
            filters.append(lambda asset: not asset.tag_ids)
        elif tag_ids:
            wanted_tags = set(tag_ids)
            filters.append(lambda asset: wanted_tags <= asset.tag_ids)

    impossible = (
        bool(fields.uuid_list("personIds"))
        or any(fields.string(name, nullable=True) is not None for name in _ABSENT_DATA_FILTERS)
        or any(fields.boolean(name) for name in _NEVER_TRUE_FLAGS)
    )
    if impossible:
        filters.append(lambda asset: False)
    return filters


@routes.post("/search/metadata", "searchAssets")
def search_assets(call: Call) -> FakeResponse:
    fields = call.json()
    page = fields.integer("page", minimum=1) or 1
    size = fields.integer("size", minimum=1, maximum=1000) or DEFAULT_PAGE_SIZE
    order = fields.choice("order", ("asc", "desc")) or "desc"
    with_exif = bool(fields.boolean("withExif"))
    filters = _build_filters(call.state, fields)

    matches = [
        asset
        for asset in call.state.owned_assets(call.user.id)
        if all(accepts(asset) for accepts in filters)
    ]
    # Python's sort is stable, so assets taken at the same moment keep their upload order.
    matches.sort(key=lambda asset: asset.file_created_at, reverse=order == "desc")
    start = (page - 1) * size
    items = matches[start : start + size]
    # Immich reports the size of the page as both total and count.
    assets = {
        "total": len(items),
        "count": len(items),
        "items": [asset_dto(call.state, asset, with_exif=with_exif) for asset in items],
        "facets": [],
        "nextPage": str(page + 1) if len(matches) > start + size else None,
    }
    albums = {"total": 0, "count": 0, "items": [], "facets": []}
    return json_response(200, {"albums": albums, "assets": assets})


@routes.post("/search/statistics", "searchAssetStatistics")
def search_asset_statistics(call: Call) -> FakeResponse:
    filters = _build_filters(call.state, call.json())
    total = sum(
        1
        for asset in call.state.owned_assets(call.user.id)
        if all(accepts(asset) for accepts in filters)
    )
    return json_response(200, {"total": total})
