from immich import Client

with Client() as client:
    for album in client.albums.get_all_albums():
        print(
            f"{album.album_name} ({album.asset_count} assets), updated {album.updated_at:%Y-%m-%d}"
        )
        # The album's assets: a metadata search, paged lazily.
        for asset in client.search.iter_assets(album_ids=[album.id]):
            print("  ", asset.original_file_name)
