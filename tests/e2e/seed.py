"""The docs' and examples' small photo library (``tests/docs/seed.py``), on the real server.

``tests/docs/seed.py`` puts three dated photos in an album "Trip" on a FakeImmich; here
the same three go to a fresh user of the real server: JPEGs whose EXIF carries the same
dates (uploaded with them as their file dates too), in an album "Trip", once the server
has read their metadata. Each snippet or example runs as a user of its own, an admin
(several snippets show admin calls), so that what one changes no other sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from immich import Client
from tests.docs.seed import ALBUM, PHOTOS, seed_files
from tests.e2e.corpus import jpeg
from tests.e2e.server import Account, Server, create_account, delete_account, wait_until


@dataclass(frozen=True)
class World:
    account: Account
    #: file name -> asset id of the seeded photos.
    assets: dict[str, str]
    album_id: str
    #: the folder a snippet or example runs in (``photo.jpg``, ``Pictures/``).
    folder: Path

    def environment(self, server: Server) -> dict[str, str]:
        return {
            "IMMICH_URL": server.url,
            "IMMICH_API_KEY": self.account.api_key,
            "IMMICH_EMAIL": self.account.email,
            "IMMICH_PASSWORD": self.account.password,
        }


def seed_account(server: Server, account: Account, folder: Path) -> tuple[dict[str, str], str]:
    """Uploads the three photos and makes the album; returns ``({name: id}, album id)``."""
    originals = folder / ".seed"
    ids = {}
    with Client(server.url, api_key=account.api_key) as client:
        for number, (name, taken) in enumerate(PHOTOS, 1):
            path = originals / name
            jpeg(path, seed=9000 + number, taken=taken)
            answer = client.assets.upload_asset(
                asset_data=path, file_created_at=taken, file_modified_at=taken, filename=name
            )
            ids[name] = answer.id
        album = client.albums.create_album(album_name=ALBUM, asset_ids=list(ids.values()))

        def processed() -> bool:
            for asset_id in ids.values():
                info = client.assets.get_asset_info(asset_id)
                if info.thumbhash is None or not info.exif_info or not info.exif_info.make:
                    return False
            return True

        wait_until(processed, what="the seeded photos' metadata and thumbnails", timeout=120)
    return ids, album.id


@contextmanager
def world(server: Server, label: str, folder: Path) -> Iterator[World]:
    """A fresh admin user with the seeded library, and ``folder`` seeded with the local
    files; afterwards the user goes, with what the run made (libraries too)."""
    label = re.sub(r"[^a-z0-9]+", "-", label.lower())[:30]
    account = create_account(server, label, is_admin=True)
    try:
        seed_files(folder)
        ids, album_id = seed_account(server, account, folder)
        yield World(account, ids, album_id, folder)
    finally:
        with server.admin() as admin:
            for library in admin.libraries.get_all_libraries():
                if library.owner_id == account.id:
                    admin.libraries.delete_library(library.id)
        delete_account(server, account)
