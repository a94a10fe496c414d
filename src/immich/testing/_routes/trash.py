"""``/trash/*``: restoring trashed assets, or deleting them for good."""

from __future__ import annotations

from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .._wire import utc_now
from .assets import owned_assets_or_400

routes = RouteGroup()


@routes.post("/trash/restore", "restoreTrash")
def restore_trash(call: Call) -> FakeResponse:
    trashed = [asset for asset in call.state.owned_assets(call.user.id) if asset.is_trashed]
    now = utc_now()
    for asset in trashed:
        asset.deleted_at = None
        asset.updated_at = now
    return json_response(200, {"count": len(trashed)})


@routes.post("/trash/restore/assets", "restoreAssets")
def restore_assets(call: Call) -> FakeResponse:
    ids = call.json().required_uuid_list("ids")
    assets = owned_assets_or_400(call.state, call.user, ids, "asset.delete")
    restored = [asset for asset in assets if asset.is_trashed]
    now = utc_now()
    for asset in restored:
        asset.deleted_at = None
        asset.updated_at = now
    return json_response(200, {"count": len(restored)})


@routes.post("/trash/empty", "emptyTrash")
def empty_trash(call: Call) -> FakeResponse:
    trashed = [asset for asset in call.state.owned_assets(call.user.id) if asset.is_trashed]
    for asset in trashed:
        call.state.remove_asset(asset)
    return json_response(200, {"count": len(trashed)})
