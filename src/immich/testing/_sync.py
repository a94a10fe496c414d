"""The sync protocol's bookkeeping: update ids, audits and checkpoints, as Immich keeps them.

Immich gives every row an ``updateId`` (a UUID v7) when it is written, records deletes in
audit tables, and streams what a session has not acknowledged yet, ordered by those ids
(``server/src/services/sync.service.ts``, ``repositories/sync.repository.ts``). The fake's
routes change its state in many places; rather than stamp each of them, :class:`SyncLog`
compares what each entity looks like on the wire with what it looked like when last
seen, just before a stream is answered: a changed entity gets a new ``updateId``, one
that is gone an audit row. Streams see exactly what a client of the real server sees
(the same entity types, deletes before upserts, one ``updateId`` per change between two
streams, acks as ``Type|updateId[|extra]``); what they cannot see is how many times an
entity changed between two streams, which the real server does not show either.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from immich._core import json_codec as _json

from ._dto import exif_dto
from ._state import Album, Asset, FakeState, Session
from ._wire import checksum_to_base64, format_datetime

COMPLETE = "complete"
#: Days without a complete sync after which a session must start over (SyncResetV1).
MAX_DAYS = 30

# server/src/services/sync.service.ts SYNC_TYPES_ORDER: the order of a stream's types.
TYPES_ORDER = (
    "AuthUsersV1",
    "UsersV1",
    "PartnersV1",
    "AssetsV1",
    "AssetsV2",
    "StacksV1",
    "PartnerAssetsV1",
    "PartnerAssetsV2",
    "PartnerStacksV1",
    "AlbumAssetsV1",
    "AlbumAssetsV2",
    "AlbumsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AssetExifsV1",
    "AlbumAssetExifsV1",
    "AssetOcrV1",
    "PartnerAssetExifsV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "PeopleV1",
    "AssetFacesV1",
    "AssetFacesV2",
    "UserMetadataV1",
    "AssetMetadataV1",
    "AssetEditsV1",
)
#: Request types that Immich 3.0.3 refuses with a 400, and what to use instead.
DEPRECATED = {
    "AssetsV1": "AssetsV2",
    "PartnerAssetsV1": "PartnerAssetsV2",
    "AlbumAssetsV1": "AlbumAssetsV2",
    "AssetFacesV1": "AssetFacesV2",
}


class UpdateIds:
    """UUID v7s, strictly increasing: a millisecond timestamp, then a counter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._sequence = 0

    def next(self) -> str:
        with self._lock:
            now = int(time.time() * 1000)
            if now > self._last_ms:
                self._last_ms, self._sequence = now, int.from_bytes(os.urandom(2), "big") >> 6
            else:
                self._sequence += 1
            ms, sequence = self._last_ms, self._sequence
        rand_a = (sequence >> 62) & 0xFFF
        rand_b = sequence & ((1 << 62) - 1)
        value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def timestamp_ms(update_id: str) -> int:
    """When a UUID v7 was made (as ``needsFullSync`` reads it)."""
    return int(update_id.replace("-", "")[:12], 16)


@dataclass
class _Seen:
    """An entity as last streamed: what it is made of (compared cheaply), its wire form,
    and the updateId of that form."""

    key: Any
    wire: Any
    update_id: str


@dataclass
class SyncLog:
    ids: UpdateIds = field(default_factory=UpdateIds)
    assets: dict[str, _Seen] = field(default_factory=dict)
    # (audit id, asset id, owner id)
    asset_deletes: list[tuple[str, str, str]] = field(default_factory=list)
    exifs: dict[str, _Seen] = field(default_factory=dict)
    albums: dict[str, _Seen] = field(default_factory=dict)
    # (audit id, album id, user id): the album is gone for that user
    album_deletes: list[tuple[str, str, str]] = field(default_factory=list)
    # (album id, user id) -> createId of that access (album_user.createId)
    members: dict[tuple[str, str], str] = field(default_factory=dict)
    # (album id, asset id) -> updateId of the album_asset row
    album_assets: dict[tuple[str, str], str] = field(default_factory=dict)
    # (audit id, album id, asset id)
    album_asset_deletes: list[tuple[str, str, str]] = field(default_factory=list)

    # Deletes are audited when they happen, as Immich's triggers do (a stream must list
    # the deletes of entities it never saw: everything of a first stream is new to it).

    def asset_removed(self, state: FakeState, asset: Asset) -> None:
        for album in state.albums.values():
            if asset.id in album.asset_ids:
                self.album_asset_removed(album.id, asset.id)
        self.assets.pop(asset.id, None)
        self.exifs.pop(asset.id, None)
        self.asset_deletes.append((self.ids.next(), asset.id, asset.owner_id))

    def album_removed(self, album: Album) -> None:
        for user_id in _members(album):
            self.members.pop((album.id, user_id), None)
            self.album_deletes.append((self.ids.next(), album.id, user_id))
        self.albums.pop(album.id, None)
        for key in [k for k in self.album_assets if k[0] == album.id]:
            del self.album_assets[key]  # (no audit: the album is gone)

    def album_asset_removed(self, album_id: str, asset_id: str) -> None:
        self.album_assets.pop((album_id, asset_id), None)
        self.album_asset_deletes.append((self.ids.next(), album_id, asset_id))

    def refresh(self, state: FakeState) -> None:
        """Give what changed since the last look a new updateId, and audit what is gone
        without having been audited when it went.

        The caller holds the state's lock."""
        self._refresh_assets(state)
        self._refresh_albums(state)

    def _refresh_assets(self, state: FakeState) -> None:
        for asset_id, asset in state.assets.items():
            key = _asset_key(asset)
            seen = self.assets.get(asset_id)
            if seen is None or seen.key != key:
                self.assets[asset_id] = _Seen(key, asset_v2(asset), self.ids.next())
            exif_key = (*_exif_key(asset), tuple(sorted(_tag_values(state, asset))))
            seen = self.exifs.get(asset_id)
            if seen is None or seen.key != exif_key:
                self.exifs[asset_id] = _Seen(exif_key, exif_v1(asset), self.ids.next())
        for asset_id in [a for a in self.assets if a not in state.assets]:
            gone = self.assets.pop(asset_id)
            self.exifs.pop(asset_id, None)
            self.asset_deletes.append((self.ids.next(), asset_id, gone.wire["ownerId"]))

    def _refresh_albums(self, state: FakeState) -> None:
        for album_id, album in state.albums.items():
            wire = (album_v2(album), album.owner_id)
            seen = self.albums.get(album_id)
            if seen is None or seen.wire != wire:
                self.albums[album_id] = _Seen(None, wire, self.ids.next())
        users = {(a.id, u) for a in state.albums.values() for u in _members(a)}
        for key in sorted(users - self.members.keys()):
            self.members[key] = self.ids.next()
        for key in [k for k in self.members if k not in users]:
            del self.members[key]
            self.album_deletes.append((self.ids.next(), *key))
        for album_id in [a for a in self.albums if a not in state.albums]:
            del self.albums[album_id]
        pairs = {(a.id, asset_id) for a in state.albums.values() for asset_id in a.asset_ids}
        for key in [k for k in self.album_assets if k not in pairs]:
            del self.album_assets[key]
            if key[0] in state.albums:  # (Immich audits it only while the album exists)
                self.album_asset_deletes.append((self.ids.next(), *key))
        for album in state.albums.values():
            for asset_id in album.asset_ids:
                if (album.id, asset_id) not in self.album_assets:
                    self.album_assets[(album.id, asset_id)] = self.ids.next()


def _asset_key(asset: Asset) -> tuple[Any, ...]:
    """What ``asset_v2`` is made of."""
    return (
        asset.owner_id,
        asset.original_file_name,
        asset.file_created_at,
        asset.file_modified_at,
        asset.created_at,
        asset.type,
        asset.deleted_at,
        asset.is_favorite,
        asset.visibility,
        asset.duration_ms,
        asset.live_photo_video_id,
        asset.library_id,
        asset.checksum,
    )


def _exif_key(asset: Asset) -> tuple[Any, ...]:
    """What ``exif_v1`` is made of (the tags, which Immich keeps in the same row, aside)."""
    return (
        asset.description,
        asset.rating,
        asset.file_created_at,
        asset.file_modified_at,
        asset.blob.size,
    )


def _members(album: Album) -> list[str]:
    return [album.owner_id, *(m.user_id for m in album.members)]


def _tag_values(state: FakeState, asset: Asset) -> list[str]:
    return [state.tags[t].value for t in asset.tag_ids if t in state.tags]


def asset_v2(asset: Asset) -> dict[str, Any]:
    """``SyncAssetV2``, its fields in the order Immich 3.0.3 sends them."""
    return {
        "id": asset.id,
        "ownerId": asset.owner_id,
        "originalFileName": asset.original_file_name,
        "fileCreatedAt": format_datetime(asset.file_created_at),
        "fileModifiedAt": format_datetime(asset.file_modified_at),
        "createdAt": format_datetime(asset.created_at),
        "localDateTime": format_datetime(asset.file_created_at),
        "type": asset.type,
        "deletedAt": format_datetime(asset.deleted_at) if asset.deleted_at else None,
        "isFavorite": asset.is_favorite,
        "visibility": asset.visibility,
        "duration": asset.duration_ms,
        "livePhotoVideoId": asset.live_photo_video_id,
        "stackId": None,
        "libraryId": asset.library_id,
        "width": None,
        "height": None,
        "isEdited": False,
        "checksum": checksum_to_base64(asset.checksum),
        "thumbhash": None,
    }


def exif_v1(asset: Asset) -> dict[str, Any]:
    """``SyncAssetExifV1``."""
    exif = exif_dto(asset)
    return {
        "assetId": asset.id,
        "description": exif["description"],
        "exifImageWidth": exif["exifImageWidth"],
        "exifImageHeight": exif["exifImageHeight"],
        "fileSizeInByte": exif["fileSizeInByte"],
        "orientation": exif["orientation"],
        "dateTimeOriginal": exif["dateTimeOriginal"],
        "modifyDate": exif["modifyDate"],
        "timeZone": exif["timeZone"],
        "latitude": exif["latitude"],
        "longitude": exif["longitude"],
        "projectionType": exif["projectionType"],
        "city": exif["city"],
        "state": exif["state"],
        "country": exif["country"],
        "make": exif["make"],
        "model": exif["model"],
        "lensModel": exif["lensModel"],
        "fNumber": exif["fNumber"],
        "focalLength": exif["focalLength"],
        "iso": exif["iso"],
        "exposureTime": exif["exposureTime"],
        "profileDescription": None,
        "rating": exif["rating"],
        "fps": None,
    }


def album_v2(album: Album) -> dict[str, Any]:
    """``SyncAlbumV2`` (``SyncAlbumV1`` adds ``ownerId``)."""
    return {
        "id": album.id,
        "name": album.name,
        "description": album.description,
        "createdAt": format_datetime(album.created_at),
        "updatedAt": format_datetime(album.updated_at),
        "thumbnailAssetId": album.thumbnail_asset_id,
        "isActivityEnabled": album.is_activity_enabled,
        "order": album.order,
    }


def line(type_: str, data: Any, ack_type: str, *ids: str) -> bytes:
    ack = "|".join((ack_type, *ids))
    return _json.dumps({"type": type_, "data": data, "ack": ack}) + b"\n"


class Stream:
    """The lines of one stream for one session, built under the state's lock."""

    def __init__(self, state: FakeState, log: SyncLog, session: Session, now_id: str) -> None:
        self.state = state
        self.log = log
        self.session = session
        self.user_id = session.user_id
        self.now_id = now_id
        self.checkpoints = {t: parse_ack(a) for t, a in session.checkpoints.items()}
        #: The albums the user is a member of (owner included).
        self._visible = {album_id for album_id, user_id in log.members if user_id == self.user_id}

    def _after(self, entity_type: str, update_id: str) -> bool:
        """Newer than the session's checkpoint for ``entity_type``, older than now."""
        checkpoint = self.checkpoints.get(entity_type)
        return update_id < self.now_id and (checkpoint is None or update_id > checkpoint[0])

    def lines(self, types: list[str]) -> Iterator[bytes]:
        for request_type in TYPES_ORDER:
            if request_type in types:
                yield from _STREAMED[request_type](self)
        yield line("SyncCompleteV1", {}, "SyncCompleteV1", self.now_id)

    def _assets(self) -> Iterator[bytes]:
        for audit_id, asset_id, owner_id in self.log.asset_deletes:
            if owner_id == self.user_id and self._after("AssetDeleteV1", audit_id):
                yield line("AssetDeleteV1", {"assetId": asset_id}, "AssetDeleteV1", audit_id)
        upserts = [
            seen
            for seen in self.log.assets.values()
            if seen.wire["ownerId"] == self.user_id and self._after("AssetV2", seen.update_id)
        ]
        for seen in sorted(upserts, key=lambda s: s.update_id):
            yield line("AssetV2", seen.wire, "AssetV2", seen.update_id)

    def _exifs(self) -> Iterator[bytes]:
        upserts = [
            seen
            for asset_id, seen in self.log.exifs.items()
            if self.log.assets[asset_id].wire["ownerId"] == self.user_id
            and self._after("AssetExifV1", seen.update_id)
        ]
        for seen in sorted(upserts, key=lambda s: s.update_id):
            yield line("AssetExifV1", seen.wire, "AssetExifV1", seen.update_id)

    def _albums(self, upsert_type: str) -> Iterator[bytes]:
        for audit_id, album_id, user_id in self.log.album_deletes:
            if user_id == self.user_id and self._after("AlbumDeleteV1", audit_id):
                yield line("AlbumDeleteV1", {"albumId": album_id}, "AlbumDeleteV1", audit_id)
        upserts = [
            (album_id, seen)
            for album_id, seen in self.log.albums.items()
            if album_id in self._visible and self._after(upsert_type, seen.update_id)
        ]
        for _, seen in sorted(upserts, key=lambda item: item[1].update_id):
            wire, owner_id = seen.wire
            if upsert_type == "AlbumV1":
                wire = {"id": wire["id"], "ownerId": owner_id, **wire}
            yield line(upsert_type, wire, upsert_type, seen.update_id)

    def _album_to_assets(self) -> Iterator[bytes]:
        for audit_id, album_id, asset_id in self.log.album_asset_deletes:
            if album_id in self._visible and self._after("AlbumToAssetDeleteV1", audit_id):
                data = {"albumId": album_id, "assetId": asset_id}
                yield line("AlbumToAssetDeleteV1", data, "AlbumToAssetDeleteV1", audit_id)
        backfill_type, upsert_type = "AlbumToAssetBackfillV1", "AlbumToAssetV1"
        backfill = self.checkpoints.get(backfill_type)
        created = sorted(
            (create_id, album_id)
            for (album_id, user_id), create_id in self.log.members.items()
            if user_id == self.user_id
            and create_id < self.now_id
            and (backfill is None or create_id >= backfill[0])
        )
        upsert = self.checkpoints.get(upsert_type)
        if upsert is not None:
            for create_id, album_id in created:
                if backfill is not None and backfill[0] == create_id and backfill[1] == COMPLETE:
                    continue
                start = backfill[1] if backfill is not None and backfill[0] == create_id else None
                rows = sorted(
                    (update_id, asset_id)
                    for (a, asset_id), update_id in self.log.album_assets.items()
                    if a == album_id
                    and update_id < self.now_id
                    and update_id <= upsert[0]
                    and (start is None or update_id >= start)
                )
                for update_id, asset_id in rows:
                    data = {"assetId": asset_id, "albumId": album_id}
                    yield line(backfill_type, data, backfill_type, create_id, update_id)
                yield line("SyncAckV1", {}, backfill_type, create_id, COMPLETE)
        elif created:
            # As Immich does: nothing to backfill before the first upsert checkpoint.
            self.session.checkpoints[backfill_type] = f"{backfill_type}|{created[-1][0]}|{COMPLETE}"
        upserts = sorted(
            (update_id, album_id, asset_id)
            for (album_id, asset_id), update_id in self.log.album_assets.items()
            if album_id in self._visible and self._after(upsert_type, update_id)
        )
        for update_id, album_id, asset_id in upserts:
            data = {"assetId": asset_id, "albumId": album_id}
            yield line(upsert_type, data, upsert_type, update_id)


#: What the fake streams for each request type it implements (others answer 501).
_STREAMED: dict[str, Callable[[Stream], Iterator[bytes]]] = {
    "AssetsV2": Stream._assets,
    "AlbumsV1": lambda stream: stream._albums("AlbumV1"),
    "AlbumsV2": lambda stream: stream._albums("AlbumV2"),
    "AlbumToAssetsV1": Stream._album_to_assets,
    "AssetExifsV1": Stream._exifs,
}
IMPLEMENTED = frozenset(_STREAMED)


def parse_ack(ack: str) -> tuple[str, str | None]:
    """An ack's update id and extra part (its type is left out)."""
    _, _, rest = ack.partition("|")
    update_id, _, extra = rest.partition("|")
    return update_id, extra or None
