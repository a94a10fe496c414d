"""What a caller may see: its own and shared-album assets, or, for a shared link's visitor,
only what the link shows (its album's assets, or the assets it names)."""

from __future__ import annotations

from ._router import Call
from ._state import Album, Asset, FakeState, SharedLink


def link_asset_ids(state: FakeState, link: SharedLink) -> set[str]:
    if link.album_id is not None:
        album = state.albums.get(link.album_id)
        return set(album.asset_ids) if album is not None else set()
    return set(link.asset_ids)


def readable_asset(call: Call, asset_id: str) -> Asset | None:
    link = call.auth.shared_link if call.auth else None
    if link is None:
        return call.state.readable_asset(call.user, asset_id)
    if asset_id not in link_asset_ids(call.state, link):
        return None
    return call.state.assets.get(asset_id)


def downloadable_asset(call: Call, asset_id: str) -> Asset | None:
    link = call.auth.shared_link if call.auth else None
    if link is not None and not link.allow_download:
        return None
    return readable_asset(call, asset_id)


def readable_album(call: Call, album_id: str, *, download: bool = False) -> Album | None:
    album = call.state.albums.get(album_id)
    if album is None:
        return None
    link = call.auth.shared_link if call.auth else None
    if link is None:
        return album if album.role_of(call.user.id) is not None else None
    if link.album_id != album_id or (download and not link.allow_download):
        return None
    return album
