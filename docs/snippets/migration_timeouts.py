import httpx

from immich import APITimeoutError, Client

# Default: 60 s, 10 s to connect; GETs and other safe calls are retried twice.
with Client(timeout=httpx.Timeout(20.0, connect=5.0), max_retries=3) as client:
    try:
        albums = client.albums.get_all_albums(timeout=5.0)  # this call only
        print(len(albums), "albums")
    except APITimeoutError as exc:
        print("timed out:", exc)
