import json
import os
from pathlib import Path

from immich import Client

email, password = os.environ["IMMICH_EMAIL"], os.environ["IMMICH_PASSWORD"]

with Client() as client:  # IMMICH_URL (and an API key: the mirror needs a session, below)
    # The first run signs in (a session of the mirror's own, kept in backup/), downloads
    # every original with a sidecar each, and writes the albums.
    first = client.mirror("backup", email=email, password=password)
    print(f"{len(first.downloaded)} downloaded, {first.albums} album, ok={first.ok}")
    for path in sorted(Path("backup").rglob("*")):
        if path.is_file() and ".immich-mirror" not in path.parts:
            print("  " + path.relative_to("backup").as_posix())

    # The library changes; the next run reads only the changes (no password needed now).
    photos = client.search.search_assets().assets.items
    beach = next(a for a in photos if a.original_file_name == "beach.jpg")
    client.albums.create_album(album_name="Best of", asset_ids=[beach.id])
    again = client.mirror("backup")
    print(
        f"second run: {again.events} changes read, {len(again.downloaded)} downloaded, "
        f"{len(again.updated)} sidecar updated, {again.albums} album written"
    )
    side = json.loads(Path("backup/2024/01/beach.jpg.json").read_text(encoding="utf-8"))
    print(side["originalFileName"], sorted(a["name"] for a in side["albums"]))
