import asyncio
import json
import os

from immichpy import AsyncClient
from immichpy.client.generated.exceptions import ApiException, NotFoundException


async def main() -> None:
    async with AsyncClient(
        base_url=os.environ["IMMICH_URL"], api_key=os.environ["IMMICH_API_KEY"]
    ) as client:
        try:
            await client.assets.get_asset_info("00000000-0000-4000-8000-000000000000")
        except NotFoundException as exc:
            print(exc.status, json.loads(exc.body)["message"])
        except ApiException as exc:  # any other error status
            print("error status:", exc.status, exc.reason)


asyncio.run(main())
