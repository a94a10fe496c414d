from datetime import datetime, timezone
from pathlib import Path

from immich import Client

photo = Path("photo.jpg")
modified = datetime.fromtimestamp(photo.stat().st_mtime, tz=timezone.utc)

with Client() as client:
    # One file: a path (streamed from disk), bytes, an open file or (name, data).
    result = client.assets.upload_asset(
        asset_data=photo,
        file_created_at=modified,
        file_modified_at=modified,
    )
    print(result.status.value, result.id)  # "created", or "duplicate" the second time

    # A whole folder: hashed, deduplicated, streamed, added to an album.
    summary = client.upload("Pictures", album="Imported")
    print(len(summary.uploaded), "uploaded,", len(summary.duplicates), "duplicates")
