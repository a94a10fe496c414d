import asyncio
import os

from immichpy import AsyncClient


async def main() -> None:
    async with AsyncClient(
        base_url=os.environ["IMMICH_URL"], api_key=os.environ["IMMICH_API_KEY"]
    ) as client:
        version = await client.server.get_server_version()
        print(f"{version.major}.{version.minor}.{version.patch}")


asyncio.run(main())
