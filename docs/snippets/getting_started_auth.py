import os

from immich import Client

url = os.environ["IMMICH_URL"]

# 1. An API key (Account Settings > API Keys), sent as the x-api-key header.
with Client(url, api_key=os.environ["IMMICH_API_KEY"]) as client:
    print("API key:", client.users.get_my_user().email)

# 2. A user's password: login() switches the client to the session token it gets back.
with Client(url) as client:
    client.login(os.environ["IMMICH_EMAIL"], os.environ["IMMICH_PASSWORD"])
    print("Password login:", client.users.get_my_user().email)

    # 3. That token works on its own too, e.g. from IMMICH_ACCESS_TOKEN ...
    token = client.auth.login(
        email=os.environ["IMMICH_EMAIL"], password=os.environ["IMMICH_PASSWORD"]
    ).access_token
with Client(url, access_token=token) as client:
    print("Access token:", client.users.get_my_user().email)

# 4. ... or as the immich_access_token cookie a browser session holds.
with Client(url, session_cookie=token) as client:
    print("Session cookie:", client.users.get_my_user().email)
