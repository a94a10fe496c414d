import asyncio
import os

import aiohttp


async def main() -> None:
    url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    timeout = aiohttp.ClientTimeout(total=20, connect=5)  # aiohttp's default: 5 min total
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
        try:
            async with session.get(f"{url}/albums") as response:
                response.raise_for_status()
                print(len(await response.json()), "albums")
        except asyncio.TimeoutError:
            print("timed out")  # and no retries unless you write them


asyncio.run(main())
