"""State records rendered as the spec's response DTOs, with camelCase keys."""

from __future__ import annotations

from typing import Any

from ._queues import Queue
from ._state import Album, ApiKey, Asset, FakeState, Library, Tag, User
from ._wire import checksum_to_base64, format_datetime

JsonObject = dict[str, Any]


def user_dto(user: User) -> JsonObject:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "avatarColor": user.avatar_color,
        "profileImagePath": "",
        "profileChangedAt": format_datetime(user.created_at),
    }


def user_admin_dto(state: FakeState, user: User) -> JsonObject:
    usage = sum(
        asset.blob.size for asset in state.owned_assets(user.id) if asset.library_id is None
    )
    return {
        **user_dto(user),
        "createdAt": format_datetime(user.created_at),
        "updatedAt": format_datetime(user.updated_at),
        "deletedAt": None,
        "isAdmin": user.is_admin,
        "license": None,
        "oauthId": "",
        "quotaSizeInBytes": user.quota_size_in_bytes,
        "quotaUsageInBytes": usage,
        "shouldChangePassword": user.should_change_password,
        "status": "active",
        "storageLabel": user.storage_label,
    }


def api_key_dto(key: ApiKey) -> JsonObject:
    return {
        "id": key.id,
        "name": key.name,
        "permissions": list(key.permissions),
        "createdAt": format_datetime(key.created_at),
        "updatedAt": format_datetime(key.updated_at),
    }


def exif_dto(asset: Asset) -> JsonObject:
    if not asset.metadata_extracted:
        # What Immich has before its metadata job ran: the size the upload recorded.
        return {
            "fileSizeInByte": asset.blob.size if asset.library_id is None else None,
            **dict.fromkeys(_EXIF_FIELDS),
            "description": "",
            "rating": None,
        }
    return {
        "fileSizeInByte": asset.blob.size,
        "dateTimeOriginal": format_datetime(asset.file_created_at),
        "modifyDate": format_datetime(asset.file_modified_at),
        "timeZone": asset.time_zone,
        "description": asset.description,
        "rating": asset.rating,
        "exifImageWidth": None,
        "exifImageHeight": None,
        "orientation": None,
        "make": None,
        "model": None,
        "lensModel": None,
        "fNumber": None,
        "focalLength": None,
        "iso": None,
        "exposureTime": None,
        "latitude": None,
        "longitude": None,
        "city": None,
        "state": None,
        "country": None,
        "projectionType": None,
    }


_EXIF_FIELDS = (
    "dateTimeOriginal",
    "modifyDate",
    "timeZone",
    "exifImageWidth",
    "exifImageHeight",
    "orientation",
    "make",
    "model",
    "lensModel",
    "fNumber",
    "focalLength",
    "iso",
    "exposureTime",
    "latitude",
    "longitude",
    "city",
    "state",
    "country",
    "projectionType",
)


def stack_summary(state: FakeState, asset: Asset) -> JsonObject | None:
    """``AssetResponseDto.stack``: the asset's stack, with how many assets it holds."""
    stack = state.stacks.get(asset.stack_id) if asset.stack_id else None
    if stack is None:
        return None
    return {
        "id": stack.id,
        "primaryAssetId": stack.primary_asset_id,
        "assetCount": len(state.stack_members(stack)),
    }


def asset_dto(
    state: FakeState,
    asset: Asset,
    *,
    detailed: bool = False,
    with_exif: bool = False,
    viewer: User | None = None,
) -> JsonObject:
    """``detailed`` adds what Immich joins in for ``GET /assets/{id}``: owner, EXIF, tags and
    the stack; ``with_exif`` the EXIF alone (updates, searches ``withExif``). ``isFavorite``
    is the owner's: another viewer sees false."""
    dto: JsonObject = {
        "id": asset.id,
        "ownerId": asset.owner_id,
        "libraryId": asset.library_id,
        "type": asset.type,
        "originalFileName": asset.original_file_name,
        "originalPath": asset.original_path,
        "originalMimeType": asset.mime_type,
        "checksum": checksum_to_base64(asset.checksum),
        "fileCreatedAt": format_datetime(asset.file_created_at),
        "fileModifiedAt": format_datetime(asset.file_modified_at),
        "localDateTime": format_datetime(asset.local_date_time or asset.file_created_at),
        "createdAt": format_datetime(asset.created_at),
        "updatedAt": format_datetime(asset.updated_at),
        "isFavorite": asset.is_favorite and (viewer is None or viewer.id == asset.owner_id),
        "isArchived": asset.visibility == "archive",
        "isTrashed": asset.is_trashed,
        "isOffline": asset.is_offline,
        "isEdited": False,
        "visibility": asset.visibility,
        "hasMetadata": True,
        "duration": asset.duration_ms,
        "width": None,
        "height": None,
        "thumbhash": asset.thumbhash,
        "duplicateId": None,
        "livePhotoVideoId": asset.live_photo_video_id,
        "people": [],
        "resized": True,
    }
    if detailed:
        owner = state.users.get(asset.owner_id)
        if owner is not None:
            dto["owner"] = user_dto(owner)
        dto["tags"] = [
            tag_dto(state.tags[tag_id]) for tag_id in sorted(asset.tag_ids) if tag_id in state.tags
        ]
        dto["stack"] = stack_summary(state, asset)
    if detailed or with_exif:
        dto["exifInfo"] = exif_dto(asset)
    return dto


def album_dto(
    state: FakeState,
    album: Album,
    viewer: User,
    *,
    just_written: bool = False,
    detailed: bool = False,
) -> JsonObject:
    """``just_written``: the answer to a create or an update, which Immich gives without the
    time of the last asset change."""
    assets = [asset for asset in state.album_assets(album) if not asset.is_trashed]
    members = [state.users[album.owner_id]]
    others = [state.users[m.user_id] for m in album.members if m.user_id in state.users]
    # Owner first, then the viewer, then everyone else by name, as the spec describes.
    others.sort(key=lambda user: (user.id != viewer.id, user.name))
    members.extend(others)
    dto: JsonObject = {
        "id": album.id,
        "albumName": album.name,
        "description": album.description,
        "albumThumbnailAssetId": album.thumbnail_asset_id,
        "albumUsers": [
            {"user": user_dto(user), "role": album.role_of(user.id)} for user in members
        ],
        "assetCount": len(assets),
        "createdAt": format_datetime(album.created_at),
        "updatedAt": format_datetime(album.updated_at),
        "hasSharedLink": any(link.album_id == album.id for link in state.shared_links.values()),
        "isActivityEnabled": album.is_activity_enabled,
        "order": album.order,
        "shared": bool(album.members),
    }
    if assets:
        taken = [asset.file_created_at for asset in assets]
        dto["startDate"] = format_datetime(min(taken))
        dto["endDate"] = format_datetime(max(taken))
        if not just_written:
            dto["lastModifiedAssetTimestamp"] = format_datetime(max(a.updated_at for a in assets))
    if detailed and (album.members or dto["hasSharedLink"]):
        # Who added how many, which Immich works out for albums shared with others.
        counts: dict[str, int] = {}
        for asset in assets:
            counts[asset.owner_id] = counts.get(asset.owner_id, 0) + 1
        dto["contributorCounts"] = [
            {"userId": user_id, "assetCount": count}
            for user_id, count in sorted(counts.items(), key=lambda item: -item[1])
        ]
    return dto


def tag_dto(tag: Tag) -> JsonObject:
    dto: JsonObject = {
        "id": tag.id,
        "name": tag.name,
        "value": tag.value,
        "createdAt": format_datetime(tag.created_at),
        "updatedAt": format_datetime(tag.updated_at),
    }
    if tag.parent_id is not None:
        dto["parentId"] = tag.parent_id
    if tag.color is not None:
        dto["color"] = tag.color
    return dto


def library_dto(state: FakeState, library: Library) -> JsonObject:
    return {
        "id": library.id,
        "ownerId": library.owner_id,
        "name": library.name,
        "importPaths": list(library.import_paths),
        "exclusionPatterns": list(library.exclusion_patterns),
        "assetCount": sum(1 for asset in state.assets.values() if asset.library_id == library.id),
        "createdAt": format_datetime(library.created_at),
        "updatedAt": format_datetime(library.updated_at),
        "refreshedAt": format_datetime(library.refreshed_at) if library.refreshed_at else None,
    }


def queue_dto(queue: Queue) -> JsonObject:
    return {"name": queue.name, "isPaused": queue.is_paused, "statistics": queue.statistics()}


def legacy_queue_dto(queue: Queue) -> JsonObject:
    return {
        "jobCounts": queue.statistics(),
        "queueStatus": {"isActive": False, "isPaused": queue.is_paused},
    }
