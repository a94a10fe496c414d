"""Keep an external library in step with a folder: create it once, then scan and report.

    python examples/sync_external_library.py /mnt/photos --name "NAS photos"

An external library imports the files under folders *the server* can read (its import
paths) without uploading them; a scan picks up new, changed and removed files. This
finds the library by name (creating it for you, an admin, the first time), checks the
import path, scans it with ``client.wait.scan_library`` (which waits for this library's
jobs on the server's ``library`` queue), and prints what the scan found and the
library's counts. With IMMICH_URL and IMMICH_API_KEY unset it runs against
the built-in fake server, which scans a folder of demo photos on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _demo import connect, demo_dates, using_fake, write_demo_photos

from immich import Client, ImmichError
from immich.models import LibraryResponseDto


def find_or_create(client: Client, name: str, import_path: str) -> LibraryResponseDto:
    for library in client.libraries.get_all_libraries():
        if library.name == name:
            print(f"Library {name!r} exists: {library.id}")
            return library
    me = client.users.get_my_user()
    library = client.libraries.create_library(
        owner_id=me.id,
        name=name,
        import_paths=[import_path],
        exclusion_patterns=["**/@eaDir/**", "**/.*/**"],
    )
    print(f"Created library {name!r}: {library.id}")
    return library


def sync(client: Client, name: str, import_path: str, timeout: float) -> None:
    library = find_or_create(client, name, import_path)
    check = client.libraries.validate(library.id, import_paths=[import_path])
    for item in check.import_paths:
        state = "ok" if item.is_valid else f"INVALID: {item.message}"
        print(f"Import path {item.import_path}: {state}")

    print("Scanning; waiting until the scan is done...")
    scan = client.wait.scan_library(library.id, timeout=timeout)
    stats = scan.statistics
    found = f"+{scan.added} {'asset' if scan.added == 1 else 'assets'}"
    if scan.removed is not None:  # counted for the library's owner
        found += f", {scan.removed} removed, {scan.unchanged} unchanged"
    print(f"{name}: {stats.photos} photos, {stats.videos} videos, {stats.usage} bytes ({found})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="an absolute folder path on the server")
    parser.add_argument("--name", default="External photos", help="the library's name")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        path = args.path
        # Demo photos go only into a folder of the example's own, never into one given.
        demo = Path(scratch) / "nas" if path is None else None
        if demo is not None:
            if not using_fake():
                parser.error("give the import path (as the server sees it)")
            write_demo_photos(demo / "2024", demo_dates(3))
            path = str(demo)
            print(f"No path given: a demo folder {path} with 3 photos")
        try:
            with connect() as client:
                sync(client, args.name, path, args.timeout)
                if demo is not None:
                    more = write_demo_photos(demo / "2025", demo_dates(2))
                    print(f"Added {len(more)} photos to the demo folder; syncing again:")
                    sync(client, args.name, path, args.timeout)
        except ImmichError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
