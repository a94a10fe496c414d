"""What Immich does with an asset once it has it, as background jobs on its queues.

Upload (or a library import) -> ``AssetExtractMetadata`` on ``metadataExtraction``: the
dates (a JPEG's EXIF ``DateTimeOriginal``, with its ``OffsetTimeOriginal``; else, as
Immich does, the earlier of the file's creation and modification times) -> then
``AssetGenerateThumbnails`` on ``thumbnailGeneration``: a thumbhash (none for hidden
assets, such as a live photo's video). Tagging or untagging an asset queues a
``SidecarWrite`` on ``sidecar``, which queues the metadata extraction again.

Until its metadata job has run an asset shows what Immich shows then: no EXIF but its
size, no thumbhash, the dates the upload gave.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone
from typing import Any

from ._exif import read_exif_date
from ._state import Asset, FakeState
from ._wire import utc_now


def queue_processing(state: FakeState, asset: Asset, *, source: str = "upload") -> None:
    """Queues the metadata extraction of a new (or changed) asset, which queues the rest."""
    asset_id = asset.id
    state.queues.submit(
        "metadataExtraction",
        "AssetExtractMetadata",
        lambda: extract_metadata(state, asset_id, source=source),
        data={"id": asset_id, "source": source},
    )


def queue_sidecar_write(state: FakeState, asset: Asset) -> None:
    """After a tag edit: write the sidecar, then read the metadata again."""
    queue_sidecar_job(state, asset, "SidecarWrite", source="sidecar-write", data={"id": asset.id})


def queue_sidecar_job(
    state: FakeState, asset: Asset, job: str, *, source: str, data: dict[str, Any]
) -> None:
    """A job of the sidecar queue for ``asset``, then its metadata read again."""
    asset_id = asset.id

    def run() -> None:
        current = state.assets.get(asset_id)
        if current is not None:
            queue_processing(state, current, source=source)

    state.queues.submit("sidecar", job, run, data=data)


def extract_metadata(state: FakeState, asset_id: str, *, source: str) -> None:
    asset = state.assets.get(asset_id)
    if asset is None:
        return
    taken = _exif_date(asset)
    if taken is not None:
        instant, local, zone = taken
        asset.file_created_at = instant
        asset.local_date_time = local
        asset.time_zone = zone
    else:
        earliest = min(asset.file_created_at, asset.file_modified_at)
        asset.file_created_at = earliest
        asset.local_date_time = earliest
        asset.time_zone = None
    asset.metadata_extracted = True
    asset.updated_at = utc_now()
    if source == "upload":
        state.queues.submit(
            "thumbnailGeneration",
            "AssetGenerateThumbnails",
            lambda: generate_thumbnails(state, asset_id),
            data={"id": asset_id, "source": source},
        )


def generate_thumbnails(state: FakeState, asset_id: str) -> None:
    asset = state.assets.get(asset_id)
    if asset is None or asset.visibility == "hidden":
        return
    asset.thumbhash = base64.b64encode(hashlib.sha1(asset.checksum).digest()[:18]).decode()
    asset.updated_at = utc_now()


def _exif_date(asset: Asset) -> tuple[datetime, datetime, str | None] | None:
    """(the instant, the local time as UTC, Immich's zone name) from the file's EXIF."""
    if asset.type != "IMAGE":
        return None
    try:
        with asset.blob.open() as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return None
    found = read_exif_date(head)
    if found is None:
        return None
    local, offset = found
    local_utc = local.replace(tzinfo=timezone.utc)
    if offset is None:
        # Immich reads a time without offset as UTC, keeping the clock time.
        return local_utc, local_utc, None
    instant = local_utc - offset
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    zone = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return instant, local_utc, zone
