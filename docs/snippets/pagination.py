from datetime import datetime, timezone

from immich import Client

with Client() as client:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    # Pages of `size` assets are fetched lazily as the loop goes on.
    for asset in client.search.iter_assets(taken_after=since, size=250):
        print(asset.file_created_at.date(), asset.original_file_name)

    # One page by hand: search_assets returns it with the next page's number.
    page = client.search.search_assets(taken_after=since, size=2, page=1)
    print("first page:", page.assets.count, "next page:", page.assets.next_page)
