"""A small photo library on a FakeImmich, shared by the docs, example and notebook tests.

Three dated photos in an album "Trip", plus local files to upload: ``photo.jpg`` and a
``Pictures/`` folder (two photos, one in a subfolder, and a ``.tmp`` file to ignore).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from immich import Client
from immich.testing import FakeImmich, tiny_jpeg

#: (file name, when it was taken): the seeded assets, in upload order.
PHOTOS = (
    ("beach.jpg", datetime(2024, 1, 15, 10, 30, tzinfo=timezone.utc)),
    ("dinner.jpg", datetime(2024, 2, 3, 19, 0, tzinfo=timezone.utc)),
    ("hike.jpg", datetime(2024, 2, 20, 8, 15, tzinfo=timezone.utc)),
)
ALBUM = "Trip"


def seed_server(fake: FakeImmich) -> dict[str, str]:
    """Adds the photos and the album; returns ``{file name: asset id}``."""
    ids = {
        name: fake.add_asset(tiny_jpeg(number), filename=name, taken_at=taken)
        for number, (name, taken) in enumerate(PHOTOS, 1)
    }
    with Client(
        base_url="http://127.0.0.1:2283", api_key=fake.api_key, transport=fake.transport()
    ) as client:
        client.albums.create_album(album_name=ALBUM, asset_ids=list(ids.values()))
    return ids


def seed_files(folder: Path) -> None:
    """``photo.jpg`` and ``Pictures/`` in ``folder``."""
    (folder / "photo.jpg").write_bytes(tiny_jpeg(100))
    pictures = folder / "Pictures"
    (pictures / "2024").mkdir(parents=True)
    (pictures / "sunset.jpg").write_bytes(tiny_jpeg(101))
    (pictures / "2024" / "garden.jpg").write_bytes(tiny_jpeg(102))
    (pictures / "2024" / "draft.tmp").write_bytes(b"not a photo")
