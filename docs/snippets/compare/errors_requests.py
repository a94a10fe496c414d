import os

import requests

url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}

try:
    response = requests.get(
        f"{url}/assets/00000000-0000-4000-8000-000000000000", headers=headers, timeout=60
    )
    response.raise_for_status()
except requests.HTTPError as exc:
    body = exc.response.json()  # {"message": ..., "error": ..., "statusCode": ...}
    print(exc.response.status_code, body.get("message"))
except requests.ConnectionError as exc:
    print("failed:", exc)
