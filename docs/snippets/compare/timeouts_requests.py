import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

url = os.environ["IMMICH_URL"].rstrip("/") + "/api"
session = requests.Session()
session.headers.update({"x-api-key": os.environ["IMMICH_API_KEY"]})
# requests has no default timeout and no retries: both are yours to add.
retry = Retry(total=3, backoff_factor=0.5, status_forcelist=[429, 500, 502, 503, 504])
session.mount("http://", HTTPAdapter(max_retries=retry))
session.mount("https://", HTTPAdapter(max_retries=retry))

try:
    albums = session.get(f"{url}/albums", timeout=(5, 20))  # (connect, read)
    albums.raise_for_status()
    print(len(albums.json()), "albums")
except requests.Timeout as exc:
    print("timed out:", exc)
