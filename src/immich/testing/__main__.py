"""``python -m immich.testing``: serve a FakeImmich on loopback until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from ._fake import FakeImmich
from ._server import LoopbackServer


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m immich.testing",
        description="Serve a fake Immich server (API under /api) until Ctrl-C.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=2283, help="port, 0 for any free one (default: %(default)s)"
    )
    parser.add_argument("--api-key", help="the admin's API key (default: a random one)")
    parser.add_argument("--admin-email", default="admin@example.com", help="(default: %(default)s)")
    parser.add_argument("--admin-password", help="(default: a random one)")
    parser.add_argument(
        "--storage-dir", help="keep uploaded files in this folder instead of memory"
    )
    parser.add_argument("--log-requests", action="store_true", help="log each request to stderr")
    return parser.parse_args(argv)


def _interrupt(signal_number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # A service manager stops with SIGTERM, and a shell's background job ignores SIGINT.
    signal.signal(signal.SIGTERM, _interrupt)
    fake = FakeImmich(
        api_key=arguments.api_key,
        storage_dir=arguments.storage_dir,
        admin_email=arguments.admin_email,
        admin_password=arguments.admin_password,
    )
    server = LoopbackServer(
        fake.handle, arguments.host, arguments.port, log_requests=arguments.log_requests
    )
    print(f"FakeImmich listening on {server.url} (API at {server.url}/api)")
    print(f"API key:  {fake.api_key}")
    print(f"Admin:    {fake.admin_email} / {fake.admin_password}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
