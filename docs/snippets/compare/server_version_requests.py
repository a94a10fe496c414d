import os

import requests

url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
headers = {"x-api-key": os.environ["IMMICH_API_KEY"], "Accept": "application/json"}

response = requests.get(f"{url}/server/version", headers=headers, timeout=60)
response.raise_for_status()
version = response.json()  # a dict: {"major": 3, "minor": 0, "patch": 3}
print(f"{version['major']}.{version['minor']}.{version['patch']}")
