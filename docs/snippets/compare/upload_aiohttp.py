import asyncio
import os
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

photo = Path("photo.jpg")
modified = datetime.fromtimestamp(photo.stat().st_mtime, tz=timezone.utc).isoformat()
content = photo.read_bytes()  # aiohttp can stream an open file too


async def main() -> None:
    url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    form = aiohttp.FormData()
    form.add_field("assetData", content, filename=photo.name)
    form.add_field("fileCreatedAt", modified)
    form.add_field("fileModifiedAt", modified)
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.post(f"{url}/assets", data=form) as response,
    ):
        response.raise_for_status()
        result = await response.json()
    print(result["status"], result["id"])


asyncio.run(main())
