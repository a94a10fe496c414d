import hashlib

from immich import Client

with Client() as client:
    asset = next(client.search.iter_assets(size=1))

    # Small things: bytes in memory.
    thumbnail = client.assets.view_asset(asset.id, size="thumbnail")
    print("thumbnail:", len(thumbnail), "bytes")

    # Large things: straight to a file, which appears only once complete.
    path = client.assets.download_asset_to_file(asset.id, f"original-{asset.original_file_name}")
    print("saved", path.name)

    # Or chunk by chunk, holding one chunk in memory at a time.
    sha1 = hashlib.sha1()
    with client.assets.download_asset_stream(asset.id) as body:
        for chunk in body.iter_bytes():
            sha1.update(chunk)
    print("same content:", path.read_bytes() == client.assets.download_asset(asset.id))
