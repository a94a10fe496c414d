import asyncio
import os
from datetime import datetime, timezone
from pathlib import Path

from immichpy import AsyncClient

photo = Path("photo.jpg")
modified = datetime.fromtimestamp(photo.stat().st_mtime, tz=timezone.utc)


async def main() -> None:
    async with AsyncClient(
        base_url=os.environ["IMMICH_URL"], api_key=os.environ["IMMICH_API_KEY"]
    ) as client:
        # asset_data: bytes, a file path as str, or (filename, bytes)
        result = await client.assets.upload_asset(
            asset_data=str(photo),
            file_created_at=modified,
            file_modified_at=modified,
        )
        print(result.status.value, result.id)

        # A whole folder, with immichpy's own bulk helper:
        summary = await client.assets.upload([Path("Pictures")], album_name="Imported")
        print(summary.stats.uploaded, "uploaded,", summary.stats.rejected, "rejected")


asyncio.run(main())
