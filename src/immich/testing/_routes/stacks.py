"""``/stacks/*``: assets shown as one (a RAW and its JPEG, a burst), the primary on top."""

from __future__ import annotations

from .._dto import JsonObject, asset_dto
from .._errors import bad_request, no_access
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import FakeState, Stack, User
from .._zod import too_few_items, validation_failed
from .assets import owned_assets_or_400

routes = RouteGroup()


def stack_dto(state: FakeState, stack: Stack, viewer: User) -> JsonObject:
    """Its assets as Immich lists them: not trashed, on the timeline or archived, the
    primary first, each with its EXIF."""
    members = [
        asset
        for asset in state.stack_members(stack)
        if not asset.is_trashed and asset.visibility in ("timeline", "archive")
    ]
    return {
        "id": stack.id,
        "primaryAssetId": stack.primary_asset_id,
        "assets": [asset_dto(state, a, with_exif=True, viewer=viewer) for a in members],
    }


def _own_stack(call: Call, permission: str) -> Stack:
    stack = call.state.stacks.get(call.path_id())
    if stack is None or stack.owner_id != call.user.id:
        raise no_access(permission)
    return stack


@routes.get("/stacks", "searchStacks")
def search_stacks(call: Call) -> FakeResponse:
    primary = call.query_uuid("primaryAssetId")
    stacks = [
        stack
        for stack in call.state.stacks.values()
        if stack.owner_id == call.user.id and (primary is None or stack.primary_asset_id == primary)
    ]
    return json_response(200, [stack_dto(call.state, s, call.user) for s in stacks])


@routes.post("/stacks", "createStack")
def create_stack(call: Call) -> FakeResponse:
    asset_ids = call.json().required_uuid_list("assetIds")
    if len(asset_ids) < 2:
        raise validation_failed(too_few_items(("assetIds",), 2))
    state = call.state
    assets = owned_assets_or_400(state, call.user, asset_ids, "asset.update")
    members = {asset.id: asset for asset in assets}
    # Stacks whose primary is among the assets are merged into the new one.
    for old in [
        s
        for s in state.stacks.values()
        if s.owner_id == call.user.id and s.primary_asset_id in members
    ]:
        for asset in state.stack_members(old):
            members.setdefault(asset.id, asset)
        state.stacks.pop(old.id, None)
    stack = Stack(owner_id=call.user.id, primary_asset_id=asset_ids[0])
    state.stacks[stack.id] = stack
    for asset in members.values():
        asset.stack_id = stack.id
    return json_response(201, stack_dto(state, stack, call.user))


@routes.delete("/stacks", "deleteStacks")
def delete_stacks(call: Call) -> FakeResponse:
    ids = call.json().required_uuid_list("ids")
    stacks = [call.state.stacks.get(stack_id) for stack_id in ids]
    if any(s is None or s.owner_id != call.user.id for s in stacks):
        raise no_access("stack.delete")
    for stack in stacks:
        if stack is not None:
            call.state.dissolve_stack(stack)
    return empty_response()


@routes.get("/stacks/{id}", "getStack")
def get_stack(call: Call) -> FakeResponse:
    return json_response(200, stack_dto(call.state, _own_stack(call, "stack.read"), call.user))


@routes.put("/stacks/{id}", "updateStack")
def update_stack(call: Call) -> FakeResponse:
    stack = _own_stack(call, "stack.update")
    primary = call.json().uuid("primaryAssetId")
    if primary is not None:
        if primary not in {a.id for a in call.state.stack_members(stack)}:
            raise bad_request("Primary asset must be in the stack")
        stack.primary_asset_id = primary
    return json_response(200, stack_dto(call.state, stack, call.user))


@routes.delete("/stacks/{id}", "deleteStack")
def delete_stack(call: Call) -> FakeResponse:
    call.state.dissolve_stack(_own_stack(call, "stack.delete"))
    return empty_response()


@routes.delete("/stacks/{id}/assets/{assetId}", "removeAssetFromStack")
def remove_asset_from_stack(call: Call) -> FakeResponse:
    stack = _own_stack(call, "stack.update")
    asset = call.state.assets.get(call.path_id("assetId"))
    if asset is None or asset.stack_id != stack.id:
        raise bad_request("Asset not in stack")
    if asset.id == stack.primary_asset_id:
        raise bad_request("Cannot remove stack's primary asset")
    asset.stack_id = None
    return empty_response()
