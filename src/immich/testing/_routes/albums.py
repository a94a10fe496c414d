"""``/albums/*``: albums, their members, and per-asset add/remove results."""

from __future__ import annotations

from typing import Any

from .._dto import album_dto
from .._errors import bad_request, no_access
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._sharing import readable_album
from .._state import Album, AlbumMember, User
from .._validation import JsonFields
from .._wire import utc_now

ALBUM_ROLES = ("editor", "viewer")

routes = RouteGroup()


def _visible_album(call: Call) -> Album:
    album = readable_album(call, call.path_id())
    if album is None:
        raise no_access("album.read")
    return album


def _album_for(call: Call, *roles: str, permission: str) -> Album:
    album = _visible_album(call)
    if album.role_of(call.user.id) not in roles:
        raise no_access(permission)
    return album


@routes.get("/albums", "getAllAlbums")
def get_all_albums(call: Call) -> FakeResponse:
    user = call.user
    albums = list(call.state.visible_albums(user))
    asset_id = call.query_uuid("assetId")
    if asset_id is not None:
        # The spec: filtering by asset ignores every other parameter.
        albums = [album for album in albums if asset_id in album.asset_ids]
    else:
        album_id = call.query_uuid("id")
        is_owned = call.query_bool("isOwned")
        is_shared = call.query_bool("isShared")
        name = call.query("name")
        if album_id is not None:
            albums = [album for album in albums if album.id == album_id]
        if is_owned is not None:
            albums = [album for album in albums if (album.owner_id == user.id) == is_owned]
        if is_shared is not None:
            albums = [album for album in albums if bool(album.members) == is_shared]
        if name is not None:
            albums = [album for album in albums if album.name == name]
    albums.sort(key=lambda album: album.created_at, reverse=True)
    return json_response(200, [album_dto(call.state, album, user) for album in albums])


@routes.post("/albums", "createAlbum")
def create_album(call: Call) -> FakeResponse:
    fields = call.json()
    user = call.user
    album = Album(
        owner_id=user.id,
        name=fields.required_string("albumName"),
        description=fields.string("description") or "",
    )
    for member in _album_members(call, fields, user):
        album.members.append(member)
    for asset_id in fields.uuid_list("assetIds") or []:
        if call.state.readable_asset(user, asset_id) is None:
            raise no_access("asset.share")
        album.asset_ids[asset_id] = None
    album.thumbnail_asset_id = next(iter(album.asset_ids), None)
    call.state.albums[album.id] = album
    return json_response(201, album_dto(call.state, album, user, just_written=True))


def _album_members(call: Call, fields: JsonFields, owner: User) -> list[AlbumMember]:
    entries = fields.body.get("albumUsers") or []
    if not isinstance(entries, list):
        raise bad_request("albumUsers must be an array")
    members: list[AlbumMember] = []
    for index, entry in enumerate(entries):
        member_fields = JsonFields(entry, ("albumUsers", index))
        user_id = member_fields.required_uuid("userId")
        role = member_fields.choice("role", ALBUM_ROLES) or "editor"
        if user_id not in call.state.users:
            raise bad_request("User not found")
        if user_id == owner.id:
            raise bad_request("Cannot share album with owner")
        members.append(AlbumMember(user_id=user_id, role=role))
    return members


@routes.get("/albums/statistics", "getAlbumStatistics")
def get_album_statistics(call: Call) -> FakeResponse:
    user = call.user
    albums = list(call.state.visible_albums(user))
    owned = [album for album in albums if album.owner_id == user.id]
    return json_response(
        200,
        {
            "owned": len(owned),
            "shared": sum(1 for album in albums if album.members),
            "notShared": sum(1 for album in owned if not album.members),
        },
    )


@routes.get("/albums/{id}", "getAlbumInfo", shared_link=True)
def get_album_info(call: Call) -> FakeResponse:
    album = _visible_album(call)
    return json_response(200, album_dto(call.state, album, call.user, detailed=True))


@routes.patch("/albums/{id}", "updateAlbumInfo")
def update_album_info(call: Call) -> FakeResponse:
    album = _album_for(call, "owner", permission="album.update")
    fields = call.json()
    name = fields.string("albumName")
    description = fields.string("description")
    thumbnail = fields.uuid("albumThumbnailAssetId")
    is_activity_enabled = fields.boolean("isActivityEnabled")
    order = fields.choice("order", ("asc", "desc"))
    if thumbnail is not None and thumbnail not in album.asset_ids:
        raise bad_request("Invalid album thumbnail")
    if name is not None:
        album.name = name
    if description is not None:
        album.description = description
    if thumbnail is not None:
        album.thumbnail_asset_id = thumbnail
    if is_activity_enabled is not None:
        album.is_activity_enabled = is_activity_enabled
    if order is not None:
        album.order = order
    album.updated_at = utc_now()
    return json_response(200, album_dto(call.state, album, call.user))


@routes.delete("/albums/{id}", "deleteAlbum")
def delete_album(call: Call) -> FakeResponse:
    album = _album_for(call, "owner", permission="album.delete")
    call.state.sync.album_removed(album)
    del call.state.albums[album.id]
    return empty_response()


def _add_assets(call: Call, album: Album, asset_ids: list[str]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for asset_id in asset_ids:
        if asset_id in album.asset_ids:
            results.append({"id": asset_id, "success": False, "error": "duplicate"})
        elif call.state.readable_asset(call.user, asset_id) is None:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        else:
            album.asset_ids[asset_id] = None
            results.append({"id": asset_id, "success": True})
    if any(result["success"] for result in results):
        album.updated_at = utc_now()
        if album.thumbnail_asset_id is None:
            album.thumbnail_asset_id = next(iter(album.asset_ids), None)
    return results


@routes.put("/albums/{id}/assets", "addAssetsToAlbum")
def add_assets_to_album(call: Call) -> FakeResponse:
    album = _album_for(call, "owner", "editor", permission="album.asset.create")
    ids = call.json().required_uuid_list("ids")
    return json_response(200, _add_assets(call, album, ids))


@routes.delete("/albums/{id}/assets", "removeAssetFromAlbum")
def remove_asset_from_album(call: Call) -> FakeResponse:
    album = _album_for(call, "owner", "editor", permission="album.asset.delete")
    ids = call.json().required_uuid_list("ids")
    results: list[dict[str, Any]] = []
    for asset_id in ids:
        if asset_id not in album.asset_ids:
            results.append({"id": asset_id, "success": False, "error": "not_found"})
            continue
        del album.asset_ids[asset_id]
        call.state.sync.album_asset_removed(album.id, asset_id)
        results.append({"id": asset_id, "success": True})
    if album.thumbnail_asset_id not in album.asset_ids:
        album.thumbnail_asset_id = next(iter(album.asset_ids), None)
    album.updated_at = utc_now()
    return json_response(200, results)


@routes.put("/albums/{id}/users", "addUsersToAlbum")
def add_users_to_album(call: Call) -> FakeResponse:
    album = _album_for(call, "owner", permission="album.share")
    fields = call.json()
    if not isinstance(fields.body.get("albumUsers"), list):
        fields.uuid_list("albumUsers", required=True)  # raises zod's complaint
    for member in _album_members(call, fields, call.state.users[album.owner_id]):
        if album.role_of(member.user_id) is not None:
            raise bad_request("User already added")
        album.members.append(member)
    album.updated_at = utc_now()
    return json_response(200, album_dto(call.state, album, call.user, just_written=True))


@routes.put("/albums/assets", "addAssetsToAlbums")
def add_assets_to_albums(call: Call) -> FakeResponse:
    fields = call.json()
    album_ids = fields.required_uuid_list("albumIds")
    asset_ids = fields.required_uuid_list("assetIds")
    albums = [call.state.albums.get(album_id) for album_id in album_ids]
    writable = [
        album
        for album in albums
        if album is not None and album.role_of(call.user.id) in ("owner", "editor")
    ]
    if len(writable) != len(album_ids):
        return json_response(200, {"success": False, "error": "no_permission"})
    added = [result for album in writable for result in _add_assets(call, album, asset_ids)]
    if any(result["success"] for result in added):
        return json_response(200, {"success": True})
    reasons = {result.get("error") for result in added}
    return json_response(
        200, {"success": False, "error": reasons.pop() if len(reasons) == 1 else "unknown"}
    )
