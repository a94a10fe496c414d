"""Quick start: connect, look around, and (on the built-in fake server) upload and search.

With IMMICH_URL and IMMICH_API_KEY set, it talks to that server and only reads.
Without them, it starts ``immich.testing.FakeImmich`` on loopback and says so.

    python examples/quickstart.py
"""

from __future__ import annotations

import datetime
import os
import sys
from contextlib import ExitStack

from immich import Client, ImmichError


def main() -> int:
    with ExitStack() as stack:
        if os.environ.get("IMMICH_URL"):
            client = stack.enter_context(Client())
            print(f"Using the Immich server at {client.base_url}")
            seeded = False
        else:
            from immich.testing import FakeImmich

            fake = FakeImmich()
            url = stack.enter_context(fake.serve())
            client = stack.enter_context(Client(base_url=url, api_key=fake.api_key))
            print(f"IMMICH_URL is not set: using the built-in fake server at {url}")
            seeded = True

        try:
            tour(client, seed=seeded)
        except ImmichError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


def tour(client: Client, *, seed: bool) -> None:
    version = client.server.get_server_version()
    print(f"Server version: {version.major}.{version.minor}.{version.patch}")
    me = client.users.get_my_user()
    print(f"Signed in as: {me.name} <{me.email}>")

    if seed:
        from immich.testing import tiny_jpeg

        now = datetime.datetime.now(datetime.timezone.utc)
        uploaded = []
        for day in range(3):
            taken = now - datetime.timedelta(days=day)
            result = client.assets.upload_asset(
                asset_data=(f"photo-{day}.jpg", tiny_jpeg(day)),
                file_created_at=taken,
                file_modified_at=taken,
            )
            uploaded.append(result.id)
            print(f"Uploaded photo-{day}.jpg: {result.status.value} ({result.id})")
        album = client.albums.create_album(album_name="Quick start", asset_ids=uploaded)
        print(f"Created album {album.album_name!r}")

    albums = client.albums.get_all_albums()
    print(f"Albums: {len(albums)}")
    for album in albums[:5]:
        noun = "asset" if album.asset_count == 1 else "assets"
        print(f"  - {album.album_name} ({album.asset_count} {noun})")

    week_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=7)
    recent = list(client.search.iter_assets(taken_after=week_ago, size=100))
    print(f"Assets taken in the last 7 days: {len(recent)}")
    for asset in recent[:5]:
        print(
            f"  - {asset.original_file_name} ({asset.type.value}, {asset.file_created_at:%Y-%m-%d})"
        )


if __name__ == "__main__":
    sys.exit(main())
