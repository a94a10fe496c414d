import asyncio
import os

import aiohttp


async def main() -> None:
    url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(f"{url}/server/version") as response,
    ):
        response.raise_for_status()
        version = await response.json()
    print(f"{version['major']}.{version['minor']}.{version['patch']}")


asyncio.run(main())
