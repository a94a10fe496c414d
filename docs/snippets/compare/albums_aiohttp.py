import asyncio
import os

import aiohttp


async def main() -> None:
    url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{url}/albums") as response:
            response.raise_for_status()
            albums = await response.json()
        for album in albums:
            print(f"{album['albumName']} ({album['assetCount']} assets)")
            body = {"albumIds": [album["id"]], "size": 250}
            async with session.post(f"{url}/search/metadata", json=body) as response:
                response.raise_for_status()
                found = await response.json()
            for asset in found["assets"]["items"]:  # first page only
                print("  ", asset["originalFileName"])


asyncio.run(main())
