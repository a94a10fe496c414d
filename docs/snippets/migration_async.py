import asyncio

from immich import AsyncClient


async def main() -> None:
    async with AsyncClient() as client:  # IMMICH_URL, IMMICH_API_KEY
        version = await client.server.get_server_version()
        albums = await client.albums.get_all_albums()
        print(f"{version.major}.{version.minor}.{version.patch}", len(albums), "albums")


asyncio.run(main())
