import immich
from immich import Client, UnsupportedByServerError

print("SDK", immich.__version__, "generated from the Immich API", immich.API_VERSION)

with Client() as client:
    print("server", client.server_version())  # asked once, then remembered

    try:
        # Added in Immich 2.4; older servers get an error before any request is sent.
        queues = client.queues.get_queues()
        print(len(queues), "queues;", sum(q.is_paused for q in queues), "paused")
    except UnsupportedByServerError as exc:
        print(exc)

# Talk to any server without asking its version first.
with Client(check_server_version=False) as client:
    print(client.server.ping_server().res)
