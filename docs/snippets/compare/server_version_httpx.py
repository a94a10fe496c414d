import os

import httpx

with httpx.Client(
    base_url=os.environ["IMMICH_URL"].rstrip("/") + "/api",
    headers={"x-api-key": os.environ["IMMICH_API_KEY"]},
) as http:
    response = http.get("/server/version")
    response.raise_for_status()
    version = response.json()
    print(f"{version['major']}.{version['minor']}.{version['patch']}")
