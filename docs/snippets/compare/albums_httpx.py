import os

import httpx

with httpx.Client(
    base_url=os.environ["IMMICH_URL"].rstrip("/") + "/api",
    headers={"x-api-key": os.environ["IMMICH_API_KEY"]},
) as http:
    albums = http.get("/albums")
    albums.raise_for_status()
    for album in albums.json():
        print(f"{album['albumName']} ({album['assetCount']} assets)")
        page = 1
        while page:
            found = http.post(
                "/search/metadata", json={"albumIds": [album["id"]], "page": page, "size": 250}
            )
            found.raise_for_status()
            assets = found.json()["assets"]
            for asset in assets["items"]:
                print("  ", asset["originalFileName"])
            page = int(assets["nextPage"]) if assets["nextPage"] else None
