"""User and API-key administration on the real server: an admin manages a user; a user
manages their preferences and API keys, and a key of few permissions is refused the rest
with the permission named."""

from __future__ import annotations

import secrets

import pytest

import immich
from immich import AsyncClient
from immich.models import Permission, RatingsUpdate, UserStatus
from tests.e2e.server import Account, Server


async def test_admin_creates_updates_deletes_restores_a_user(
    admin: AsyncClient, anonymous: AsyncClient
) -> None:
    email = f"e2e-admin-made-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(12)
    user = await admin.users_admin.create_user_admin(
        email=email,
        name="E2E Made",
        password=password,
        quota_size_in_bytes=10 * 1024**2,
        should_change_password=True,
    )
    try:
        assert (user.email, user.name, user.is_admin) == (email, "E2E Made", False)
        assert user.quota_size_in_bytes == 10 * 1024**2
        assert user.should_change_password is True
        assert user.status == UserStatus.ACTIVE
        assert password not in repr(user)

        got = await admin.users_admin.get_user_admin(user.id)
        assert got.email == email
        found = await admin.users_admin.search_users_admin(id=user.id)
        assert [u.id for u in found] == [user.id]

        # Deprecated by Immich 3.0.3 (no replacement yet), still served.
        with pytest.warns(DeprecationWarning, match="update_user_admin is deprecated"):
            updated = await admin.users_admin.update_user_admin(
                user.id, name="E2E Renamed", quota_size_in_bytes=None
            )
        assert updated.name == "E2E Renamed"
        assert updated.quota_size_in_bytes is None  # None is sent as null: no quota

        # The new user signs in with the password the admin gave.
        await anonymous.login(email, password)
        me = await anonymous.users.get_my_user()
        assert (me.id, me.name, me.should_change_password) == (user.id, "E2E Renamed", True)

        # Their preferences, as the admin sees and changes them.
        prefs = await admin.users_admin.get_user_preferences_admin(user.id)
        enabled = prefs.ratings.enabled
        with pytest.warns(DeprecationWarning, match="update_user_preferences_admin"):
            changed = await admin.users_admin.update_user_preferences_admin(
                user.id, ratings=RatingsUpdate(enabled=not enabled)
            )
        assert changed.ratings.enabled is (not enabled)
        assert (await admin.users_admin.get_user_preferences_admin(user.id)).ratings.enabled is (
            not enabled
        )
        stats = await admin.users_admin.get_user_statistics_admin(user.id)
        assert (stats.images, stats.videos, stats.total) == (0, 0, 0)

        # Soft delete, then restore.
        deleted = await admin.users_admin.delete_user_admin(user.id)
        assert deleted.deleted_at is not None
        assert deleted.status == UserStatus.DELETED
        listed = await admin.users_admin.search_users_admin(with_deleted=True, id=user.id)
        assert [u.deleted_at is not None for u in listed] == [True]
        restored = await admin.users_admin.restore_user_admin(user.id)
        assert restored.deleted_at is None
        assert restored.status == UserStatus.ACTIVE
    finally:
        await admin.users_admin.delete_user_admin(user.id, force=True)
    gone = await admin.users_admin.search_users_admin(with_deleted=True, id=user.id)
    assert all(u.status != UserStatus.ACTIVE for u in gone)


async def test_my_preferences(client: AsyncClient) -> None:
    before = await client.users.get_my_preferences()
    flipped = not before.ratings.enabled
    try:
        with pytest.warns(DeprecationWarning, match="update_my_preferences is deprecated"):
            after = await client.users.update_my_preferences(ratings=RatingsUpdate(enabled=flipped))
        assert after.ratings.enabled is flipped
        # Only what was sent changed.
        assert after.tags == before.tags
        assert after.albums == before.albums
        assert (await client.users.get_my_preferences()).ratings.enabled is flipped
    finally:
        with pytest.warns(DeprecationWarning, match="update_my_preferences"):
            await client.users.update_my_preferences(
                ratings=RatingsUpdate(enabled=before.ratings.enabled)
            )


async def test_api_key_of_limited_permissions(
    client: AsyncClient, server: Server, account: Account
) -> None:
    made = await client.api_keys.create_api_key(
        name="e2e limited", permissions=[Permission.ALBUM_READ, Permission.ASSET_READ]
    )
    try:
        assert made.api_key.name == "e2e limited"
        assert set(made.api_key.permissions) == {Permission.ALBUM_READ, Permission.ASSET_READ}
        assert made.secret
        assert made.secret not in repr(made)  # masked
        listed = {k.id: k for k in await client.api_keys.get_api_keys()}
        assert listed[made.api_key.id].name == "e2e limited"
        assert (await client.api_keys.get_api_key(made.api_key.id)).permissions == (
            made.api_key.permissions
        )

        async with AsyncClient(server.url, api_key=made.secret) as limited:
            assert isinstance(await limited.albums.get_all_albums(), list)
            with pytest.raises(immich.PermissionDeniedError) as refused:
                await limited.albums.create_album(album_name="not allowed")
            error = refused.value
            assert error.status_code == 403
            assert error.permission == "album.create"
            assert error.server_message == "Missing required permission: album.create"
            assert "'album.create'" in str(error)
            assert made.secret not in str(error)
            assert made.secret not in repr(error)
            with pytest.raises(immich.PermissionDeniedError) as refused_user:
                await limited.users.get_my_user()
            assert refused_user.value.permission == "user.read"

        with pytest.warns(DeprecationWarning, match="update_api_key is deprecated"):
            renamed = await client.api_keys.update_api_key(made.api_key.id, name="e2e renamed")
        assert renamed.name == "e2e renamed"
    finally:
        await client.api_keys.delete_api_key(made.api_key.id)

    assert made.api_key.id not in {k.id for k in await client.api_keys.get_api_keys()}
    async with AsyncClient(server.url, api_key=made.secret) as revoked:
        with pytest.raises(immich.AuthenticationError) as rejected:
            await revoked.albums.get_all_albums()
    assert rejected.value.server_message == "Invalid API key"
    assert made.secret not in str(rejected.value)
