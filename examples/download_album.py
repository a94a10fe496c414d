"""Download an album's original files into a folder, sorted by year and month.

    python examples/download_album.py "Trip" backup/
    python examples/download_album.py "Trip" backup/ --layout "{yyyy}/{mm}" --zip

Files already there with the right content are skipped, so running it again only fetches
what is new. With IMMICH_URL and IMMICH_API_KEY set, it downloads from that server;
without them, from the built-in fake server seeded with a demo album.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _demo import connect, demo_dates, using_fake

from immich import Client, DownloadResult, ImmichError
from immich.testing import FakeImmich, tiny_jpeg

DEMO_ALBUM = "Demo trip"


def seed(fake: FakeImmich) -> None:
    ids = [
        fake.add_asset(tiny_jpeg(n), filename=f"IMG_{n:04}.jpg", taken_at=taken)
        for n, taken in enumerate(demo_dates(5), 1)
    ]
    with Client(
        base_url="http://127.0.0.1:2283", api_key=fake.api_key, transport=fake.transport()
    ) as client:
        client.albums.create_album(album_name=DEMO_ALBUM, asset_ids=ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("album", nargs="?", help="the album's name or id")
    parser.add_argument("destination", nargs="?", type=Path, default=Path("album-download"))
    parser.add_argument("--layout", default="{yyyy}/{mm}", help="folders below destination")
    parser.add_argument("--zip", action="store_true", help="also download a zip archive")
    args = parser.parse_args(argv)
    if args.album is None:
        if not using_fake():
            parser.error("name the album to download")
        args.album = DEMO_ALBUM

    try:
        with connect(seed) as client:
            # The demo shows a second run too (nothing to fetch); a real download is done once.
            for run in ["First run", "Second run"] if using_fake() else [None]:
                result = client.download(args.destination, album=args.album, layout=args.layout)
                if run:
                    print(f"{run}:")
                report(result, args.destination)
            if args.zip:
                for archive in client.assets.download_archive(args.destination, album=args.album):
                    print(f"Archive: {archive.name} ({archive.stat().st_size} bytes)")
    except ImmichError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if result.ok else 1


def report(result: DownloadResult, root: Path) -> None:
    print(
        f"  {len(result.downloaded)} downloaded, {len(result.skipped)} already there, "
        f"{len(result.failed)} failed ({result.bytes_downloaded} bytes)"
    )
    for path in sorted(result.downloaded.values()):
        print(f"    {path.relative_to(root.absolute()).as_posix()}")
    for asset_id, error in result.failed.items():
        print(f"  FAILED {asset_id}: {error}")


if __name__ == "__main__":
    sys.exit(main())
