import os
from datetime import datetime, timezone
from pathlib import Path

import requests

url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
headers = {"x-api-key": os.environ["IMMICH_API_KEY"], "Accept": "application/json"}
photo = Path("photo.jpg")
modified = datetime.fromtimestamp(photo.stat().st_mtime, tz=timezone.utc).isoformat()

with photo.open("rb") as file:
    response = requests.post(
        f"{url}/assets",
        headers=headers,
        files={"assetData": (photo.name, file, "application/octet-stream")},
        data={"fileCreatedAt": modified, "fileModifiedAt": modified},
        timeout=60,
    )
response.raise_for_status()
result = response.json()  # 201: {"id": ..., "status": "created"}; 200: "duplicate"
print(result["status"], result["id"])
