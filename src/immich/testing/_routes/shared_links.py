"""``/shared-links/*``: links that show an album or chosen assets to visitors with the link's
key (``?key=``) or slug (``?slug=``); ``_sharing.py`` limits what a visitor may read."""

from __future__ import annotations

from typing import Any

from .._dto import JsonObject, album_dto, asset_dto
from .._errors import ApiError, bad_request, no_access
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import Album, FakeState, SharedLink, User
from .._wire import format_datetime

LINK_TYPES = ("ALBUM", "INDIVIDUAL")

routes = RouteGroup()


def shared_link_dto(
    state: FakeState, link: SharedLink, *, with_album: bool = True, with_exif: bool = False
) -> JsonObject:
    """``with_album`` false for a link just created, which Immich answers without its album."""
    owner = state.users[link.user_id]
    assets = [state.assets[asset_id] for asset_id in link.asset_ids if asset_id in state.assets]
    dto: JsonObject = {
        "id": link.id,
        "description": link.description,
        "password": link.password,
        "userId": link.user_id,
        "key": link.key,
        "type": link.type,
        "createdAt": format_datetime(link.created_at),
        "expiresAt": format_datetime(link.expires_at) if link.expires_at else None,
        # Immich maps a link's assets without a viewer: none is anybody's favorite.
        "assets": [
            {**asset_dto(state, asset, with_exif=with_exif), "isFavorite": False}
            for asset in assets
        ],
        "allowUpload": link.allow_upload,
        "allowDownload": link.allow_download,
        "showMetadata": link.show_metadata,
        "slug": link.slug,
    }
    album = state.albums.get(link.album_id) if link.album_id else None
    if album is not None and with_album:
        dto["album"] = _shallow_album_dto(state, album, owner)
    return dto


def _shallow_album_dto(state: FakeState, album: Album, owner: User) -> JsonObject:
    """The album as Immich joins it into a link: without its users or assets."""
    dto = album_dto(state, album, owner, just_written=True)
    for derived in ("startDate", "endDate"):
        dto.pop(derived, None)
    # Immich sends no album users here, which the spec's AlbumResponseDto does not allow
    # (at least one): the fake keeps the owner.
    return {
        **dto,
        "albumUsers": dto["albumUsers"][:1],
        "assetCount": 0,
        "hasSharedLink": True,
        "shared": True,
    }


def _own_link(call: Call) -> SharedLink:
    link = call.state.shared_links.get(call.path_id())
    if link is None or link.user_id != call.user.id:
        raise bad_request("Shared link not found")
    return link


@routes.get("/shared-links", "getAllSharedLinks")
def get_all_shared_links(call: Call) -> FakeResponse:
    wanted_id = call.query_uuid("id")
    album_id = call.query_uuid("albumId")
    links = [
        link
        for link in call.state.shared_links.values()
        if link.user_id == call.user.id
        and wanted_id in (None, link.id)
        and album_id in (None, link.album_id)
    ]
    links.sort(key=lambda link: link.created_at, reverse=True)
    return json_response(200, [shared_link_dto(call.state, link) for link in links])


@routes.post("/shared-links", "createSharedLink")
def create_shared_link(call: Call) -> FakeResponse:
    fields = call.json()
    link_type = fields.choice("type", LINK_TYPES, required=True)
    album_id = fields.uuid("albumId")
    asset_ids = fields.uuid_list("assetIds") or []
    description = fields.string("description", nullable=True)
    password = fields.string("password", nullable=True)
    slug = fields.string("slug", nullable=True)
    expires_at = fields.datetime("expiresAt", nullable=True)
    allow_upload = fields.boolean("allowUpload")
    allow_download = fields.boolean("allowDownload")
    show_metadata = fields.boolean("showMetadata")
    state, user = call.state, call.user
    if link_type == "ALBUM":
        if album_id is None:
            raise bad_request("Invalid albumId")
        album = state.albums.get(album_id)
        if album is None or album.owner_id != user.id:
            raise no_access("album.share")
        asset_ids = []
    else:
        if not asset_ids:
            raise bad_request("Invalid assetIds")
        if any(state.owned_asset(user, asset_id) is None for asset_id in asset_ids):
            raise no_access("asset.share")
        album_id = None
    if slug and any(link.slug == slug for link in state.shared_links.values()):
        raise bad_request("Failed to save shared link")
    link = SharedLink(
        user_id=user.id,
        type=str(link_type),
        album_id=album_id,
        asset_ids=dict.fromkeys(asset_ids),
        description=description or None,
        password=password,
        slug=slug or None,
        expires_at=expires_at,
        allow_upload=True if allow_upload is None else allow_upload,
        # Hiding the metadata hides the originals too.
        allow_download=False if show_metadata is False else allow_download is not False,
        show_metadata=show_metadata is not False,
    )
    state.shared_links[link.id] = link
    return json_response(201, shared_link_dto(state, link, with_album=False))


@routes.get("/shared-links/me", "getMySharedLink", shared_link=True)
def get_my_shared_link(call: Call) -> FakeResponse:
    link = call.auth.shared_link if call.auth else None
    if link is None:
        raise ApiError(403, "Forbidden")
    if link.password:
        raise ApiError(401, "Password required")
    dto = shared_link_dto(call.state, link)
    album = call.state.albums.get(link.album_id) if link.album_id else None
    if album is not None:
        # A visitor's link comes with its album's dates and count.
        full = album_dto(call.state, album, call.state.users[link.user_id], just_written=True)
        dto["album"].update(
            {key: full[key] for key in ("startDate", "endDate", "assetCount") if key in full}
        )
    return json_response(200, dto)


@routes.get("/shared-links/{id}", "getSharedLinkById")
def get_shared_link_by_id(call: Call) -> FakeResponse:
    return json_response(200, shared_link_dto(call.state, _own_link(call), with_exif=True))


@routes.patch("/shared-links/{id}", "updateSharedLink")
def update_shared_link(call: Call) -> FakeResponse:
    link = _own_link(call)
    fields = call.json()
    if fields.has("description"):
        link.description = fields.string("description", nullable=True)
    if fields.has("password"):
        link.password = fields.string("password", nullable=True)
    if fields.has("expiresAt"):
        link.expires_at = fields.datetime("expiresAt", nullable=True)
    for name, attribute in (
        ("allowUpload", "allow_upload"),
        ("allowDownload", "allow_download"),
        ("showMetadata", "show_metadata"),
    ):
        value = fields.boolean(name)
        if value is not None:
            setattr(link, attribute, value)
    # As in Immich, a PATCH without a slug clears it.
    link.slug = fields.string("slug", nullable=True) or None
    return json_response(200, shared_link_dto(call.state, link))


@routes.delete("/shared-links/{id}", "removeSharedLink")
def remove_shared_link(call: Call) -> FakeResponse:
    del call.state.shared_links[_own_link(call).id]
    return empty_response()


def _individual_link(call: Call) -> SharedLink:
    link = _own_link(call)
    if link.type != "INDIVIDUAL":
        raise bad_request("Invalid shared link type")
    return link


@routes.put("/shared-links/{id}/assets", "addSharedLinkAssets")
def add_shared_link_assets(call: Call) -> FakeResponse:
    link = _individual_link(call)
    results: list[dict[str, Any]] = []
    for asset_id in call.json().required_uuid_list("assetIds"):
        if asset_id in link.asset_ids:
            results.append({"assetId": asset_id, "success": False, "error": "duplicate"})
        elif call.state.owned_asset(call.user, asset_id) is None:
            results.append({"assetId": asset_id, "success": False, "error": "no_permission"})
        else:
            link.asset_ids[asset_id] = None
            results.append({"assetId": asset_id, "success": True})
    return json_response(200, results)


@routes.delete("/shared-links/{id}/assets", "removeSharedLinkAssets")
def remove_shared_link_assets(call: Call) -> FakeResponse:
    link = _individual_link(call)
    results: list[dict[str, Any]] = []
    for asset_id in call.json().required_uuid_list("assetIds"):
        if asset_id in link.asset_ids:
            del link.asset_ids[asset_id]
            results.append({"assetId": asset_id, "success": True})
        else:
            results.append({"assetId": asset_id, "success": False, "error": "not_found"})
    return json_response(200, results)
