import os

from immich import Client

with Client() as client:
    # The sync endpoints refuse API keys: sign in (a session of this script's own).
    client.login(os.environ["IMMICH_EMAIL"], os.environ["IMMICH_PASSWORD"])

    stored = []
    for event in client.sync.stream(["AssetsV2", "AlbumsV2", "AlbumToAssetsV1"]):
        if event.type == "AssetV2":
            print("asset", event.data.original_file_name, event.data.is_favorite)
        elif event.type == "AlbumV2":
            print("album", event.data.name)
        elif event.type == "SyncCompleteV1":
            print("complete")
        stored.append(event)  # (store what the event says, then:)
    client.sync.ack(stored)

    # Acknowledged: the next stream brings only what changed since.
    print([str(e.type) for e in client.sync.stream(["AssetsV2", "AlbumsV2"])])
