from immich import Client

# IMMICH_URL and IMMICH_API_KEY come from the environment.
with Client() as client:
    version = client.server.get_server_version()
    print(f"Immich {version.major}.{version.minor}.{version.patch}")

    me = client.users.get_my_user()
    print(f"Signed in as {me.name} <{me.email}>")

    for album in client.albums.get_all_albums():
        print(f"{album.album_name}: {album.asset_count} assets")
