from datetime import datetime, timedelta, timezone

from immich import Client
from immich.models import SharedLinkType

with Client() as client:
    album = next(a for a in client.albums.get_all_albums() if a.album_name == "Trip")

    link = client.shared_links.create_shared_link(
        type=SharedLinkType.ALBUM,
        album_id=album.id,
        allow_download=True,
        allow_upload=False,  # Immich allows visitors' uploads unless told not to
        password="s3cret",  # never shown in reprs
        expires_at=datetime.now(timezone.utc) + timedelta(days=7),
        description="For the family",
    )
    share_url = client.base_url.join(f"/share/{link.key}")
    print(f"{share_url} expires {link.expires_at:%Y-%m-%d}")

    for shared in client.shared_links.get_all_shared_links():
        print(shared.type.value, shared.description, shared.expires_at)

    client.shared_links.remove_shared_link(link.id)
