import logging

from immich import Client

# IMMICH_LOG=debug does the same from the environment, printing to stderr.
logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
logging.getLogger("immich").setLevel(logging.DEBUG)

with Client() as client:
    client.server.ping_server()  # logs "GET http://.../api/server/ping -> 200 (1.2 ms)"

logging.getLogger("immich").setLevel(logging.WARNING)
