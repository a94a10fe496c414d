import asyncio
import os

from immichpy import AsyncClient
from immichpy.client.generated.models.metadata_search_dto import MetadataSearchDto


async def main() -> None:
    async with AsyncClient(
        base_url=os.environ["IMMICH_URL"], api_key=os.environ["IMMICH_API_KEY"]
    ) as client:
        for album in await client.albums.get_all_albums():
            print(f"{album.album_name} ({album.asset_count} assets)")
            page = 1
            while page:
                found = await client.search.search_assets(
                    MetadataSearchDto(album_ids=[album.id], page=page, size=250)
                )
                for asset in found.assets.items:
                    print("  ", asset.original_file_name)
                page = int(found.assets.next_page) if found.assets.next_page else None


asyncio.run(main())
