import os
from datetime import datetime, timezone
from pathlib import Path

import httpx

photo = Path("photo.jpg")
modified = datetime.fromtimestamp(photo.stat().st_mtime, tz=timezone.utc).isoformat()

with (
    httpx.Client(
        base_url=os.environ["IMMICH_URL"].rstrip("/") + "/api",
        headers={"x-api-key": os.environ["IMMICH_API_KEY"]},
    ) as http,
    photo.open("rb") as file,
):
    response = http.post(
        "/assets",
        files={"assetData": (photo.name, file, "application/octet-stream")},
        data={"fileCreatedAt": modified, "fileModifiedAt": modified},
    )
    response.raise_for_status()
    result = response.json()
    print(result["status"], result["id"])
