import secrets

from immich import Client
from immich.models import Permission

with Client() as client:  # an admin's API key
    # A new user, who must pick a new password at first login.
    user = client.users_admin.create_user_admin(
        email="alice@example.com",
        name="Alice",
        password=secrets.token_urlsafe(12),
        quota_size_in_bytes=50 * 1024**3,
        should_change_password=True,
    )
    print("created", user.email, "must change password:", user.should_change_password)

    for u in client.users_admin.search_users_admin():
        print(f"{u.email:24} admin={u.is_admin} used={u.quota_usage_in_bytes} bytes")

    stats = client.server.get_server_statistics()
    print(f"server: {stats.photos} photos, {stats.videos} videos, {stats.usage} bytes")
    storage = client.server.get_storage()
    print(f"disk: {storage.disk_use} of {storage.disk_size} used")

    # A narrowly scoped API key for a backup script; the secret is shown once.
    key = client.api_keys.create_api_key(
        name="backup script", permissions=[Permission.ASSET_READ, Permission.ASSET_DOWNLOAD]
    )
    print("new key:", key.api_key.name, [p.value for p in key.api_key.permissions])
    print(repr(key))  # the secret is masked in reprs
