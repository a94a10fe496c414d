import asyncio
import os

import aiohttp


async def main() -> None:
    url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    async with aiohttp.ClientSession(headers=headers) as session:
        try:
            path = f"{url}/assets/00000000-0000-4000-8000-000000000000"
            async with session.get(path) as response:
                if response.status >= 400:  # raise_for_status() would drop the body
                    body = await response.json()
                    print(response.status, body.get("message"))
                else:
                    print((await response.json())["originalFileName"])
        except aiohttp.ClientConnectionError as exc:
            print("failed:", exc)


asyncio.run(main())
