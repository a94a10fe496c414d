from immich import Client

with Client() as client:  # IMMICH_URL, IMMICH_API_KEY
    version = client.server.get_server_version()
    print(f"{version.major}.{version.minor}.{version.patch}")
