"""``POST /assets``: the multipart upload, streamed into storage while it is hashed."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath

from .._blobs import Blob, BlobWriter
from .._dto import JsonObject
from .._errors import bad_request
from .._http import FakeResponse, json_response
from .._media_types import asset_type_of, extension_of, mime_type_of
from .._multipart import MultipartError, boundary_of, parse_multipart
from .._processing import queue_processing
from .._router import Call, RouteGroup
from .._state import Asset, FakeState
from .._wire import is_uuid, parse_checksum, parse_datetime
from .._zod import invalid_uuid, invalid_value, validation_failed
from .assets import VISIBILITIES

routes = RouteGroup()


class _DiscardedPart:
    """Sidecars and unknown file fields: read through, then forgotten."""

    def write(self, data: bytes) -> None:
        pass


def add_uploaded_asset(
    state: FakeState,
    *,
    owner_id: str,
    blob: Blob,
    checksum: bytes,
    filename: str,
    file_created_at: datetime,
    file_modified_at: datetime,
    is_favorite: bool = False,
    visibility: str = "timeline",
    duration_ms: int | None = None,
    live_photo_video_id: str | None = None,
) -> Asset:
    """Records an uploaded asset; the caller holds the lock and has ruled out a duplicate."""
    asset_type = asset_type_of(filename) or "OTHER"
    asset = Asset(
        owner_id=owner_id,
        original_file_name=filename,
        original_path="",
        mime_type=mime_type_of(filename),
        type=asset_type,
        checksum=checksum,
        blob=blob,
        file_created_at=file_created_at,
        file_modified_at=file_modified_at,
        is_favorite=is_favorite,
        visibility=visibility,
        duration_ms=duration_ms,
        live_photo_video_id=live_photo_video_id,
    )
    # Immich reports where it stored the file; in memory there is no such place, so the path
    # follows the layout of Immich's upload folder.
    stored_at = blob.path
    asset.original_path = (
        str(stored_at)
        if stored_at is not None
        else str(
            PurePosixPath("/data/upload", owner_id, asset.id[:2], asset.id[2:4])
            / f"{asset.id}{extension_of(filename)}"
        )
    )
    state.add_asset(asset)
    queue_processing(state, asset)
    return asset


def _media_response(status: int, asset_id: str, outcome: str) -> FakeResponse:
    body: JsonObject = {"id": asset_id, "status": outcome}
    return json_response(status, body)


@routes.post("/assets", "uploadAsset", holds_lock=False)
def upload_asset(call: Call) -> FakeResponse:
    state = call.state
    owner_id = call.user.id
    # The checksum header lets Immich answer before the file is sent.
    announced = call.request.headers.get("x-immich-checksum")
    if announced:
        checksum = parse_checksum(announced)
        if checksum is None:
            raise bad_request("x-immich-checksum must be a SHA-1 hash in hex or base64")
        with state.lock:
            known = state.upload_duplicate(owner_id, checksum)
            if known is not None:
                return _media_response(200, known.id, "duplicate")

    try:
        boundary = boundary_of(call.request.headers.get("content-type"))
    except MultipartError as error:
        raise bad_request(str(error)) from None

    writers: list[BlobWriter] = []

    def open_part(field_name: str, filename: str, content_type: str) -> BlobWriter | _DiscardedPart:
        if field_name != "assetData":
            return _DiscardedPart()
        writer = state.blobs.writer(extension_of(filename))
        writers.append(writer)
        return writer

    try:
        form = parse_multipart(call.request.body, boundary, open_part)
        asset_part = form.files.get("assetData")
        if asset_part is None or not isinstance(asset_part.sink, BlobWriter):
            raise bad_request("assetData is required")
        filename = form.fields.get("filename") or asset_part.filename
        if asset_type_of(filename) is None:
            raise bad_request(f"Unsupported file type {filename}")
        file_created_at = _required_datetime(form.fields, "fileCreatedAt")
        file_modified_at = _required_datetime(form.fields, "fileModifiedAt")
        is_favorite = _form_flag(form.fields, "isFavorite")
        visibility = form.fields.get("visibility") or "timeline"
        if visibility not in VISIBILITIES:
            raise validation_failed(invalid_value(("visibility",), VISIBILITIES))
        duration_ms = _form_duration(form.fields)
        live_photo_video_id = form.fields.get("livePhotoVideoId") or None
        if live_photo_video_id is not None and not is_uuid(live_photo_video_id):
            raise validation_failed(invalid_uuid(("livePhotoVideoId",)))
        for writer in writers:
            if writer is not asset_part.sink:
                writer.abort()
        blob, checksum = asset_part.sink.finish()
    except MultipartError as error:
        for writer in writers:
            writer.abort()
        raise bad_request(f"Malformed multipart body: {error}") from None
    except BaseException:
        for writer in writers:
            writer.abort()
        raise

    with state.lock:
        duplicate = state.upload_duplicate(owner_id, checksum)
        if duplicate is not None:
            blob.discard()
            return _media_response(200, duplicate.id, "duplicate")
        if live_photo_video_id is not None:
            try:
                _hide_live_photo_video(state, owner_id, live_photo_video_id)
            except BaseException:
                blob.discard()
                raise
        asset = add_uploaded_asset(
            state,
            owner_id=owner_id,
            blob=blob,
            checksum=checksum,
            filename=filename,
            file_created_at=file_created_at,
            file_modified_at=file_modified_at,
            is_favorite=is_favorite,
            visibility=visibility,
            duration_ms=duration_ms,
            live_photo_video_id=live_photo_video_id,
        )
    return _media_response(201, asset.id, "created")


def _hide_live_photo_video(state: FakeState, owner_id: str, video_id: str) -> None:
    """Immich's checks before it links a still to its video, which leaves the timeline."""
    video = state.assets.get(video_id)
    if video is None:
        raise bad_request("Live photo video not found")
    if video.type != "VIDEO":
        raise bad_request("Live photo video must be a video")
    if video.owner_id != owner_id:
        raise bad_request("Live photo video does not belong to the user")
    if video.visibility == "timeline":
        video.visibility = "hidden"


def _required_datetime(fields: dict[str, str], name: str) -> datetime:
    text = fields.get(name)
    if text is None:
        raise bad_request(f"{name} is required")
    moment = parse_datetime(text)
    if moment is None:
        raise bad_request(f"{name} must be a valid ISO 8601 date string")
    return moment


def _form_flag(fields: dict[str, str], name: str) -> bool:
    text = fields.get(name, "false")
    if text not in ("true", "false"):
        raise bad_request(f"{name} must be a boolean value")
    return text == "true"


def _form_duration(fields: dict[str, str]) -> int | None:
    text = fields.get("duration")
    if text is None or text == "":
        return None
    if not text.isdigit():
        raise bad_request("duration must be a non-negative integer (milliseconds)")
    return int(text)
