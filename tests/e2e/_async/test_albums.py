"""Albums on the real server: create, fill, share with the second user, roles, unshare,
empty, delete."""

from __future__ import annotations

import pytest

import immich
from immich import UNSET, AsyncClient
from immich.models import AlbumUserRole
from tests.e2e._async.polling import eventually
from tests.e2e.server import Account, Server, Uploaded


async def test_album_lifecycle_shared_with_a_second_user(
    client: AsyncClient,
    user2: AsyncClient,
    server: Server,
    account: Account,
    photos: list[Uploaded],
) -> None:
    first, second, third = (p.id for p in photos)
    me = await client.users.get_my_user()
    other = await user2.users.get_my_user()
    assert me.id == account.id
    two = server.version < (3, 0, 0)

    album = await client.albums.create_album(
        album_name="E2E shared album", description="made by the e2e suite", asset_ids=[first]
    )
    try:
        assert album.album_name == "E2E shared album"
        assert album.description == "made by the e2e suite"
        assert album.asset_count == 1
        # 2.x lists the album's users without its owner (3.0 lists the owner first).
        owners = [] if two else [(me.id, AlbumUserRole.OWNER)]
        assert [(u.user.id, u.role) for u in album.album_users] == owners
        assert album.shared is False

        # Add two more, and one that is already there.
        added = await client.albums.add_assets_to_album(album.id, ids=[second, third, first])
        outcome = {r.id: (r.success, r.error) for r in added}
        assert outcome[second] == (True, UNSET)
        assert outcome[third] == (True, UNSET)
        assert outcome[first][0] is False
        assert outcome[first][1] is not None
        assert outcome[first][1].value == "duplicate"
        assert (await client.albums.get_album_info(album.id)).asset_count == 3

        # The second user cannot see it yet: Immich answers 400 for what it hides.
        with pytest.raises(immich.BadRequestError) as hidden:
            await user2.albums.get_album_info(album.id)
        assert hidden.value.server_message == "Not found or no album.read access"

        # Share it (an editor, when no role is given).
        shared = await client.albums.add_users_to_album(
            album.id, album_users=[immich.models.AlbumUserAddDto(user_id=other.id)]
        )
        assert shared.shared is True
        roles = {u.user.id: u.role for u in shared.album_users}
        owner = {} if two else {me.id: AlbumUserRole.OWNER}
        assert roles == {**owner, other.id: AlbumUserRole.EDITOR}

        # The server tells them (a notification whose data it sends as JSON text).
        async def invitation() -> immich.models.NotificationDto | None:
            for note in await user2.notifications.get_notifications():
                if note.data is not UNSET and note.data.get("albumId") == album.id:
                    return note
            return None

        invited = await eventually(invitation, what="the album invitation", timeout=60)
        assert invited.type == immich.models.NotificationType.ALBUM_INVITE
        await user2.notifications.delete_notification(invited.id)

        seen = await user2.albums.get_album_info(album.id)
        assert seen.album_name == "E2E shared album"
        assert seen.asset_count == 3
        if two:
            # is_shared is 3.0's filter, refused on 2.x: the albums of an asset list it too.
            with pytest.raises(immich.UnsupportedByServerError, match=r"is_shared=\.\.\."):
                await user2.albums.get_all_albums(is_shared=True)
            listed = await user2.albums.get_all_albums(asset_id=first)
            assert album.id in {a.id for a in listed}
        else:
            assert album.id in {a.id for a in await user2.albums.get_all_albums(is_shared=True)}
        # The second user sees the assets too.
        assert (await user2.assets.get_asset_info(first)).id == first

        # Roles: make them an editor, then a viewer, and see it from both sides.
        await client.albums.update_album_user(album.id, other.id, role=AlbumUserRole.EDITOR)
        roles = {
            u.user.id: u.role for u in (await user2.albums.get_album_info(album.id)).album_users
        }
        assert roles[other.id] == AlbumUserRole.EDITOR
        # An editor may rename it.
        renamed = await user2.albums.update_album_info(album.id, album_name="E2E renamed")
        assert renamed.album_name == "E2E renamed"

        await client.albums.update_album_user(album.id, other.id, role=AlbumUserRole.VIEWER)
        roles = {
            u.user.id: u.role for u in (await client.albums.get_album_info(album.id)).album_users
        }
        assert roles[other.id] == AlbumUserRole.VIEWER
        # A viewer may not.
        with pytest.raises(immich.BadRequestError) as refused:
            await user2.albums.update_album_info(album.id, album_name="not allowed")
        assert refused.value.server_message == "Not found or no album.update access"
        assert (await client.albums.get_album_info(album.id)).album_name == "E2E renamed"

        # Unshare: the second user loses it.
        await client.albums.remove_user_from_album(album.id, other.id)
        unshared = await client.albums.get_album_info(album.id)
        assert [u.user.id for u in unshared.album_users] == ([] if two else [me.id])
        assert unshared.shared is False
        with pytest.raises(immich.BadRequestError):
            await user2.albums.get_album_info(album.id)

        # Remove assets (and one that is not in it).
        removed = await client.albums.remove_asset_from_album(album.id, ids=[first, second])
        assert all(r.success for r in removed)
        again = await client.albums.remove_asset_from_album(album.id, ids=[first])
        assert again[0].success is False
        assert again[0].error is not None
        assert again[0].error.value == "not_found"
        assert (await client.albums.get_album_info(album.id)).asset_count == 1
        listed = await client.albums.get_all_albums(asset_id=third)
        assert [a.id for a in listed] == [album.id]
    finally:
        await client.albums.delete_album(album.id)

    with pytest.raises(immich.BadRequestError) as gone:
        await client.albums.get_album_info(album.id)
    assert gone.value.server_message == "Not found or no album.read access"
    assert album.id not in {a.id for a in await client.albums.get_all_albums()}
    # The assets outlive their album.
    assert (await client.assets.get_asset_info(first)).id == first
