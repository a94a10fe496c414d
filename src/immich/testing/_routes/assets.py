"""``/assets`` metadata: lookups, updates, deletion to trash, duplicate checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._dto import asset_dto
from .._errors import bad_request, no_access, not_found
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import Asset, FakeState, User
from .._validation import JsonFields
from .._wire import parse_checksum, utc_now

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
    items = call.json().body.get("assets")
    if not isinstance(items, list):
        raise bad_request("assets must be an array")
    results: list[dict[str, Any]] = []
    for item in items:
        fields = JsonFields(item)
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
    visibility = call.query("visibility")
    if visibility is not None and visibility not in VISIBILITIES:
        raise bad_request(f"visibility must be one of: {', '.join(VISIBILITIES)}")
    counts = {"IMAGE": 0, "VIDEO": 0}
    for asset in call.state.owned_assets(call.user.id):
        if is_favorite is not None and asset.is_favorite != is_favorite:
            continue
        if asset.is_trashed != bool(is_trashed):
            continue
        if visibility is not None and asset.visibility != visibility:
            continue
        if asset.type in counts:
            counts[asset.type] += 1
    return json_response(
        200,
        {"images": counts["IMAGE"], "videos": counts["VIDEO"], "total": sum(counts.values())},
    )


@routes.get("/assets/{id}", "getAssetInfo")
def get_asset_info(call: Call) -> FakeResponse:
    asset = call.state.readable_asset(call.user, call.path_id())
    if asset is None:
        raise not_found("Asset not found")
    return json_response(200, asset_dto(call.state, asset, detailed=True))


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
        raise not_found("Asset not found")
    _apply_updates(call.json(), [asset])
    return json_response(200, asset_dto(call.state, asset, detailed=True))


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
