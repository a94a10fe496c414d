import os

import httpx

# httpx: 5 s by default, no retries of answers (transport retries cover connecting only).
transport = httpx.HTTPTransport(retries=3)
with httpx.Client(
    base_url=os.environ["IMMICH_URL"].rstrip("/") + "/api",
    headers={"x-api-key": os.environ["IMMICH_API_KEY"]},
    timeout=httpx.Timeout(20.0, connect=5.0),
    transport=transport,
) as http:
    try:
        albums = http.get("/albums", timeout=5.0)
        albums.raise_for_status()
        print(len(albums.json()), "albums")
    except httpx.TimeoutException as exc:
        print("timed out:", exc)
