import os

import requests

url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
session = requests.Session()
session.headers.update({"x-api-key": os.environ["IMMICH_API_KEY"]})

albums = session.get(f"{url}/albums", timeout=60)
albums.raise_for_status()
for album in albums.json():  # dicts with camelCase keys
    print(f"{album['albumName']} ({album['assetCount']} assets), updated {album['updatedAt'][:10]}")
    page = 1
    while page:  # the album's assets: a paged metadata search
        found = session.post(
            f"{url}/search/metadata",
            json={"albumIds": [album["id"]], "page": page, "size": 250},
            timeout=60,
        )
        found.raise_for_status()
        assets = found.json()["assets"]
        for asset in assets["items"]:
            print("  ", asset["originalFileName"])
        page = int(assets["nextPage"]) if assets["nextPage"] else None
