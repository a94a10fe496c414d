import asyncio

from immich import AsyncClient


async def main() -> None:
    async with AsyncClient() as client:  # IMMICH_URL and IMMICH_API_KEY
        me, albums = await asyncio.gather(
            client.users.get_my_user(),
            client.albums.get_all_albums(),
        )
        print(f"{me.name} has {len(albums)} albums")


asyncio.run(main())
