"""``/sync/*``: the sync protocol (a JSON-lines stream of changes, and its checkpoints).

As Immich 3.0.3 does (``server/src/services/sync.service.ts``): only a login session may
sync (an API key gets 403), checkpoints belong to the session, a stream lists deletes
before upserts within a type and ends with ``SyncCompleteV1``, and a session that must
start over (``isPendingSyncReset``, or 30 days without a complete sync) gets a lone
``SyncResetV1``. The request types the mirror needs are streamed (``AssetsV2``,
``AssetExifsV1``, ``AlbumsV1``, ``AlbumsV2``, ``AlbumToAssetsV1``); the others answer 501.
"""

from __future__ import annotations

import time

from .. import _zod
from .._errors import ApiError, bad_request
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import Session
from .._sync import (
    DEPRECATED,
    IMPLEMENTED,
    MAX_DAYS,
    TYPES_ORDER,
    Stream,
    line,
    parse_ack,
    timestamp_ms,
)
from .._zod import validation_failed

routes = RouteGroup()

MAX_ACKS = 1000
# Every SyncEntityType of Immich 3.0.3, for the acks it takes.
ENTITY_TYPES = frozenset(
    {
        "AuthUserV1", "UserV1", "UserDeleteV1", "AssetV1", "AssetV2", "AssetDeleteV1",
        "AssetExifV1", "AssetEditV1", "AssetEditDeleteV1", "AssetMetadataV1",
        "AssetMetadataDeleteV1", "AssetOcrV1", "AssetOcrDeleteV1", "PartnerV1",
        "PartnerDeleteV1", "PartnerAssetV1", "PartnerAssetV2", "PartnerAssetBackfillV1",
        "PartnerAssetBackfillV2", "PartnerAssetDeleteV1", "PartnerAssetExifV1",
        "PartnerAssetExifBackfillV1", "PartnerStackBackfillV1", "PartnerStackDeleteV1",
        "PartnerStackV1", "AlbumV1", "AlbumV2", "AlbumDeleteV1", "AlbumUserV1",
        "AlbumUserBackfillV1", "AlbumUserDeleteV1", "AlbumAssetCreateV1", "AlbumAssetCreateV2",
        "AlbumAssetUpdateV1", "AlbumAssetUpdateV2", "AlbumAssetBackfillV1",
        "AlbumAssetBackfillV2", "AlbumAssetExifCreateV1", "AlbumAssetExifUpdateV1",
        "AlbumAssetExifBackfillV1", "AlbumToAssetV1", "AlbumToAssetDeleteV1",
        "AlbumToAssetBackfillV1", "MemoryV1", "MemoryDeleteV1", "MemoryToAssetV1",
        "MemoryToAssetDeleteV1", "StackV1", "StackDeleteV1", "PersonV1", "PersonDeleteV1",
        "AssetFaceV1", "AssetFaceV2", "AssetFaceDeleteV1", "UserMetadataV1",
        "UserMetadataDeleteV1", "SyncAckV1", "SyncResetV1", "SyncCompleteV1",
    }
)  # fmt: skip
# SyncRequestType, in the order Immich lists it in its validation errors.
REQUEST_TYPES = (
    "AlbumsV1", "AlbumsV2", "AlbumUsersV1", "AlbumToAssetsV1", "AlbumAssetsV1", "AlbumAssetsV2",
    "AlbumAssetExifsV1", "AssetsV1", "AssetsV2", "AssetExifsV1", "AssetEditsV1",
    "AssetMetadataV1", "AssetOcrV1", "AuthUsersV1", "MemoriesV1", "MemoryToAssetsV1",
    "PartnersV1", "PartnerAssetsV1", "PartnerAssetsV2", "PartnerAssetExifsV1",
    "PartnerStacksV1", "StacksV1", "UsersV1", "PeopleV1", "AssetFacesV1", "AssetFacesV2",
    "UserMetadataV1",
)  # fmt: skip
assert set(REQUEST_TYPES) == set(TYPES_ORDER)


def _session(call: Call) -> Session:
    session = call.auth.session if call.auth else None
    if session is None:
        raise ApiError(403, "Sync endpoints cannot be used with API keys")
    return session


def _needs_full_sync(session: Session) -> bool:
    complete = session.checkpoints.get("SyncCompleteV1")
    if complete is None:
        return False
    update_id, _ = parse_ack(complete)
    return timestamp_ms(update_id) < (time.time() - MAX_DAYS * 86400) * 1000


@routes.post("/sync/stream", "getSyncStream")
def get_sync_stream(call: Call) -> FakeResponse:
    fields = call.json()
    types = fields.string_list("types", required=True) or []
    issues = [
        _zod.invalid_value(("types", index), REQUEST_TYPES)
        for index, value in enumerate(types)
        if value not in REQUEST_TYPES
    ]
    if issues:
        raise validation_failed(*issues)
    reset = fields.boolean("reset")
    session = _session(call)
    if reset:
        session.reset_sync_progress()
    headers = [("content-type", "application/jsonlines+json")]
    if session.is_pending_sync_reset or _needs_full_sync(session):
        return FakeResponse(200, headers, line("SyncResetV1", {}, "SyncResetV1", "reset"))
    for request_type in TYPES_ORDER:
        if request_type not in types:
            continue
        if request_type in DEPRECATED:
            raise bad_request(
                f"SyncRequestType.{request_type} is deprecated, "
                f"use SyncRequestType.{DEPRECATED[request_type]} instead"
            )
        if request_type not in IMPLEMENTED:
            raise ApiError(
                501,
                f"FakeImmich does not implement the sync type {request_type}",
                operationId="getSyncStream",
            )
    log = call.state.sync
    log.refresh(call.state)
    stream = Stream(call.state, log, session, log.ids.next())
    return FakeResponse(200, headers, b"".join(stream.lines(types)))


@routes.get("/sync/ack", "getSyncAck")
def get_sync_ack(call: Call) -> FakeResponse:
    session = _session(call)
    return json_response(
        200, [{"type": type_, "ack": ack} for type_, ack in session.checkpoints.items()]
    )


@routes.post("/sync/ack", "sendSyncAck")
def send_sync_ack(call: Call) -> FakeResponse:
    fields = call.json()
    acks = fields.string_list("acks", required=True) or []
    if len(acks) > MAX_ACKS:
        raise validation_failed(
            {
                "origin": "array",
                "code": "too_big",
                "maximum": MAX_ACKS,
                "inclusive": True,
                "path": ["acks"],
                "message": f"Too big: expected array to have <={MAX_ACKS} items",
            }
        )
    session = _session(call)
    if not acks:
        # Immich 3.0.3 fails on an empty list (an empty upsert): so does the fake.
        raise ApiError(500, "Failed to send sync ack")
    checkpoints: dict[str, str] = {}
    for ack in acks:
        type_ = ack.split("|")[0]
        if type_ == "SyncResetV1":
            session.reset_sync_progress()
            return empty_response()
        if type_ not in ENTITY_TYPES:
            raise bad_request(f"Invalid ack type: {type_}")
        checkpoints[type_] = ack
    session.checkpoints.update(checkpoints)
    return empty_response()


@routes.delete("/sync/ack", "deleteSyncAck")
def delete_sync_ack(call: Call) -> FakeResponse:
    fields = call.json()
    types = fields.string_list("types")
    session = _session(call)
    if types is None:
        session.checkpoints.clear()
    else:
        for type_ in types:
            session.checkpoints.pop(type_, None)
    return empty_response()
