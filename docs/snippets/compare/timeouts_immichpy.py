import asyncio
import os

from immichpy import AsyncClient


async def main() -> None:
    async with AsyncClient(
        base_url=os.environ["IMMICH_URL"], api_key=os.environ["IMMICH_API_KEY"]
    ) as client:
        try:
            # Per call: seconds in total (the default is 300); there is no client-wide
            # setting, and AsyncClient makes no retries (its Configuration has none).
            albums = await client.albums.get_all_albums(_request_timeout=5.0)
            print(len(albums), "albums")
        except asyncio.TimeoutError:
            print("timed out")


asyncio.run(main())
