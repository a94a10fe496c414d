import os

import httpx

with httpx.Client(
    base_url=os.environ["IMMICH_URL"].rstrip("/") + "/api",
    headers={"x-api-key": os.environ["IMMICH_API_KEY"]},
) as http:
    try:
        response = http.get("/assets/00000000-0000-4000-8000-000000000000")
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        print(exc.response.status_code, exc.response.json().get("message"))
    except httpx.TransportError as exc:  # connection errors and timeouts
        print("failed:", exc)
