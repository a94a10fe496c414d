from collections import defaultdict
from datetime import datetime, timezone

from immich import Client

with Client() as client:
    # Tags are created on demand; "/" makes a hierarchy.
    (year_tag,) = client.tags.upsert_tags(tags=["Years/2024"])

    # One album per month of 2024, holding that month's assets.
    by_month = defaultdict(list)
    for asset in client.search.iter_assets(
        taken_after=datetime(2024, 1, 1, tzinfo=timezone.utc),
        taken_before=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ):
        by_month[asset.file_created_at.strftime("%Y-%m")].append(asset.id)

    existing = {album.album_name: album for album in client.albums.get_all_albums()}
    for month, asset_ids in sorted(by_month.items()):
        album = existing.get(month) or client.albums.create_album(album_name=month)
        client.albums.add_assets_to_album(album.id, ids=asset_ids)
        client.tags.tag_assets(year_tag.id, ids=asset_ids)
        album = client.albums.update_album_info(album.id, description=f"Photos of {month}")
        print(f"{album.album_name}: {album.asset_count} assets, {album.description!r}")

    tagged = client.search.search_assets(tag_ids=[year_tag.id])
    print(f"tagged {year_tag.value}:", tagged.assets.total)
