from datetime import datetime, timezone

from immich import Client

taken = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

with Client() as client:
    for attempt in (1, 2):
        r = client.with_response(
            client.assets.upload_asset,
            asset_data="photo.jpg",
            file_created_at=taken,
            file_modified_at=taken,
        )
        # 201 the first time, 200 when the server already has the file.
        print(attempt, r.status_code, r.parsed.status.value, r.headers["content-type"])
