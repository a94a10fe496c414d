import httpx

from immich import APITimeoutError, Client

# 30 s for everything but connecting, 5 s to connect; up to 4 retries of safe calls.
client = Client(timeout=httpx.Timeout(30.0, connect=5.0), max_retries=4)

with client:
    # One call may override the client's timeout.
    version = client.server.get_server_version(timeout=2.0)
    print("version", version.major)

    try:
        stats = client.server.get_server_statistics(timeout=httpx.Timeout(120.0))
        print("photos on the server:", stats.photos)
    except APITimeoutError:
        print("the server took too long")

# No retries at all, and no timeout (wait as long as it takes).
with Client(max_retries=0, timeout=None) as patient:
    print(patient.users.get_my_user().name)
