"""``/assets`` metadata: lookups, updates, deletion to trash, duplicate checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._dto import asset_dto
from .._errors import bad_request, no_access
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._sharing import readable_asset
from .._state import Asset, FakeState, User
from .._validation import JsonFields
from .._wire import parse_checksum, utc_now
from .._zod import invalid_type, validation_failed

VISIBILITIES = ("archive", "timeline", "hidden", "locked")

routes = RouteGroup()


def owned_assets_or_400(
    state: FakeState, user: User, ids: Iterable[str], permission: str
) -> list[Asset]:
    """Immich checks bulk ids all at once and refuses the whole request if any is not yours."""
    assets = [state.owned_asset(user, asset_id) for asset_id in ids]
    if any(asset is None for asset in assets):
        raise no_access(permission)
    return [asset for asset in assets if asset is not None]


@routes.post("/assets/bulk-upload-check", "checkBulkUpload")
def check_bulk_upload(call: Call) -> FakeResponse:
    fields = call.json()
    items = fields.body.get("assets")
    if not isinstance(items, list):
        raise validation_failed(invalid_type(("assets",), "array", items))
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        fields = JsonFields(item, ("assets", index))
        client_id = fields.required_string("id")
        checksum = parse_checksum(fields.required_string("checksum"))
        if checksum is None:
            raise bad_request("checksum must be a SHA-1 hash in hex or base64")
        duplicate = call.state.upload_duplicate(call.user.id, checksum)
        if duplicate is None:
            results.append({"id": client_id, "action": "accept"})
        else:
            results.append(
                {
                    "id": client_id,
                    "action": "reject",
                    "reason": "duplicate",
                    "assetId": duplicate.id,
                    "isTrashed": duplicate.is_trashed,
                }
            )
    return json_response(200, {"results": results})


@routes.get("/assets/statistics", "getAssetStatistics")
def get_asset_statistics(call: Call) -> FakeResponse:
    is_favorite = call.query_bool("isFavorite")
    is_trashed = call.query_bool("isTrashed")
    visibility = call.query_choice("visibility", VISIBILITIES)
    counts = {"IMAGE": 0, "VIDEO": 0}
    for asset in call.state.owned_assets(call.user.id):
        if is_favorite is not None and asset.is_favorite != is_favorite:
            continue
        if asset.is_trashed != bool(is_trashed):
            continue
        if visibility is None and asset.visibility not in ("archive", "timeline"):
            continue  # Immich's default: hidden (live photo videos) and locked are left out
        if visibility is not None and asset.visibility != visibility:
            continue
        if asset.type in counts:
            counts[asset.type] += 1
    return json_response(
        200,
        {"images": counts["IMAGE"], "videos": counts["VIDEO"], "total": sum(counts.values())},
    )


@routes.get("/assets/{id}", "getAssetInfo", shared_link=True)
def get_asset_info(call: Call) -> FakeResponse:
    asset = readable_asset(call, call.path_id())
    if asset is None:
        raise no_access("asset.read")
    dto = asset_dto(call.state, asset, detailed=True, viewer=call.user)
    if call.auth is not None and call.auth.shared_link is not None:
        # A link's visitors do not see who owns what. (Immich also strips an asset to a few
        # fields when the link hides metadata, which the spec's AssetResponseDto does not
        # allow: the fake keeps to the spec.)
        dto.pop("owner", None)
    return json_response(200, dto)


def _apply_updates(fields: JsonFields, assets: list[Asset]) -> None:
    is_favorite = fields.boolean("isFavorite")
    visibility = fields.choice("visibility", VISIBILITIES)
    description = fields.string("description")
    rating = fields.integer("rating", minimum=-1, maximum=5, nullable=True)
    if rating == 0:
        raise bad_request("rating must be -1, between 1 and 5, or null")
    taken_at = fields.datetime("dateTimeOriginal")
    for asset in assets:
        if is_favorite is not None:
            asset.is_favorite = is_favorite
        if visibility is not None:
            asset.visibility = visibility
        if description is not None:
            asset.description = description
        if fields.has("rating"):
            asset.rating = rating
        if taken_at is not None:
            asset.file_created_at = taken_at
        asset.updated_at = utc_now()


@routes.put("/assets/{id}", "updateAsset")
def update_asset(call: Call) -> FakeResponse:
    asset = call.state.owned_asset(call.user, call.path_id())
    if asset is None:
        raise no_access("asset.update")
    _apply_updates(call.json(), [asset])
    return json_response(200, asset_dto(call.state, asset, with_exif=True, viewer=call.user))


@routes.put("/assets", "updateAssets")
def update_assets(call: Call) -> FakeResponse:
    fields = call.json()
    ids = fields.required_uuid_list("ids")
    assets = owned_assets_or_400(call.state, call.user, ids, "asset.update")
    _apply_updates(fields, assets)
    return empty_response()


@routes.delete("/assets", "deleteAssets")
def delete_assets(call: Call) -> FakeResponse:
    fields = call.json()
    ids = fields.required_uuid_list("ids")
    force = bool(fields.boolean("force"))
    assets = owned_assets_or_400(call.state, call.user, ids, "asset.delete")
    now = utc_now()
    for asset in assets:
        if force:
            call.state.remove_asset(asset)
        elif not asset.is_trashed:
            asset.deleted_at = now
            asset.updated_at = now
    return empty_response()
