"""``/tags/*``: hierarchical tags (``a/b/c``) and the assets they are on."""

from __future__ import annotations

from typing import Any

from .._dto import tag_dto
from .._errors import bad_request, no_access, not_found
from .._http import FakeResponse, empty_response, json_response
from .._processing import queue_sidecar_write
from .._router import Call, RouteGroup
from .._state import FakeState, Tag
from .._wire import utc_now
from .assets import owned_assets_or_400

routes = RouteGroup()


def _own_tag(call: Call) -> Tag:
    tag = call.state.tags.get(call.path_id())
    if tag is None or tag.user_id != call.user.id:
        raise not_found("Tag not found")
    return tag


def upsert_tag_path(state: FakeState, user_id: str, value: str) -> Tag:
    """The tag at ``value``, creating it and any missing parents."""
    parts = [part.strip() for part in value.split("/") if part.strip()]
    if not parts:
        raise bad_request("tag names must not be empty")
    parent: Tag | None = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        tag = state.tag_by_value(user_id, path)
        if tag is None:
            tag = Tag(user_id=user_id, value=path, parent_id=parent.id if parent else None)
            state.tags[tag.id] = tag
        parent = tag
    assert parent is not None
    return parent


@routes.get("/tags", "getAllTags")
def get_all_tags(call: Call) -> FakeResponse:
    tags = sorted(
        (tag for tag in call.state.tags.values() if tag.user_id == call.user.id),
        key=lambda tag: tag.value,
    )
    return json_response(200, [tag_dto(tag) for tag in tags])


@routes.post("/tags", "createTag")
def create_tag(call: Call) -> FakeResponse:
    fields = call.json()
    name = fields.required_string("name").strip()
    parent_id = fields.uuid("parentId", nullable=True)
    color = fields.string("color", nullable=True)
    user_id = call.user.id
    value = name
    if parent_id is not None:
        parent = call.state.tags.get(parent_id)
        if parent is None or parent.user_id != user_id:
            raise no_access("tag.read")
        value = f"{parent.value}/{name}"
    if call.state.tag_by_value(user_id, value) is not None:
        raise bad_request(f"A tag with that name already exists: {value}")
    tag = Tag(user_id=user_id, value=value, parent_id=parent_id, color=color)
    call.state.tags[tag.id] = tag
    return json_response(201, tag_dto(tag))


@routes.put("/tags", "upsertTags")
def upsert_tags(call: Call) -> FakeResponse:
    values = call.json().string_list("tags", required=True) or []
    tags = [upsert_tag_path(call.state, call.user.id, value) for value in values]
    return json_response(200, [tag_dto(tag) for tag in tags])


@routes.put("/tags/assets", "bulkTagAssets")
def bulk_tag_assets(call: Call) -> FakeResponse:
    fields = call.json()
    tag_ids = fields.required_uuid_list("tagIds")
    asset_ids = fields.required_uuid_list("assetIds")
    for tag_id in tag_ids:
        tag = call.state.tags.get(tag_id)
        if tag is None or tag.user_id != call.user.id:
            raise no_access("tag.asset")
    assets = owned_assets_or_400(call.state, call.user, asset_ids, "asset.update")
    added = 0
    for asset in assets:
        new_tags = set(tag_ids) - asset.tag_ids
        asset.tag_ids |= new_tags
        added += len(new_tags)
        if new_tags:
            queue_sidecar_write(call.state, asset)
    return json_response(200, {"count": added})


@routes.get("/tags/{id}", "getTagById")
def get_tag_by_id(call: Call) -> FakeResponse:
    return json_response(200, tag_dto(_own_tag(call)))


@routes.put("/tags/{id}", "updateTag")
def update_tag(call: Call) -> FakeResponse:
    tag = _own_tag(call)
    fields = call.json()
    if fields.has("color"):
        tag.color = fields.string("color", nullable=True)
        tag.updated_at = utc_now()
    return json_response(200, tag_dto(tag))


@routes.delete("/tags/{id}", "deleteTag")
def delete_tag(call: Call) -> FakeResponse:
    call.state.remove_tag(_own_tag(call))
    return empty_response()


@routes.put("/tags/{id}/assets", "tagAssets")
def tag_assets(call: Call) -> FakeResponse:
    tag = _own_tag(call)
    results: list[dict[str, Any]] = []
    for asset_id in call.json().required_uuid_list("ids"):
        asset = call.state.assets.get(asset_id)
        if asset is None:
            results.append({"id": asset_id, "success": False, "error": "not_found"})
        elif asset.owner_id != call.user.id:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        elif tag.id in asset.tag_ids:
            results.append({"id": asset_id, "success": False, "error": "duplicate"})
        else:
            asset.tag_ids.add(tag.id)
            queue_sidecar_write(call.state, asset)
            results.append({"id": asset_id, "success": True})
    return json_response(200, results)


@routes.delete("/tags/{id}/assets", "untagAssets")
def untag_assets(call: Call) -> FakeResponse:
    tag = _own_tag(call)
    results: list[dict[str, Any]] = []
    for asset_id in call.json().required_uuid_list("ids"):
        asset = call.state.assets.get(asset_id)
        if asset is None or asset.owner_id != call.user.id or tag.id not in asset.tag_ids:
            results.append({"id": asset_id, "success": False, "error": "not_found"})
        else:
            asset.tag_ids.discard(tag.id)
            queue_sidecar_write(call.state, asset)
            results.append({"id": asset_id, "success": True})
    return json_response(200, results)
