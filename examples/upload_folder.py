"""Upload a folder: only the files the server does not have yet, optionally into an album.

    python examples/upload_folder.py ~/Pictures/2024 --album 2024
    python examples/upload_folder.py ~/Pictures/2024 --dry-run

With IMMICH_URL and IMMICH_API_KEY set, it uploads to that server. Without them it
uploads to the built-in fake server (and, given no folder, makes a folder of demo photos),
then uploads the same folder again to show a second run skipping every file as a
duplicate. Against your server, run it twice to see that.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _demo import connect, count, demo_dates, using_fake, write_demo_photos

from immich import ImmichError, Progress, UploadResult


def show_progress(progress: Progress) -> None:
    if progress.phase == "upload" and progress.path is not None:
        print(f"  uploaded {progress.files_done}/{progress.files_total}: {progress.path.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="the folder to upload")
    parser.add_argument("--album", help="add the files to this album (created if missing)")
    parser.add_argument("--ignore", action="append", default=[], help="a pattern to skip")
    parser.add_argument("--dry-run", action="store_true", help="show what would be uploaded")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder
        if folder is None:
            if not using_fake():
                parser.error("name the folder to upload")
            folder = Path(scratch) / "Pictures"
            write_demo_photos(folder, demo_dates(4))
            print(f"No folder given: uploading {folder} with 4 demo photos")
        # The demo shows a second run too; a real upload is done once.
        runs = ["First run", "Second run"] if using_fake() and not args.dry_run else [None]
        try:
            with connect() as client:
                for run in runs:
                    if run:
                        print(f"{run}:")
                    result = client.upload(
                        folder,
                        album=args.album,
                        ignore=args.ignore,
                        dry_run=args.dry_run,
                        progress=show_progress,
                    )
                    report(result)
        except ImmichError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0 if result.ok else 1


def report(result: UploadResult) -> None:
    if result.dry_run:
        print(f"  would upload {count(len(result.would_upload), 'file')}:")
        for path in result.would_upload:
            print(f"    {path.name}")
    print(
        f"  {len(result.uploaded)} uploaded, {len(result.duplicates)} already on the server, "
        f"{len(result.unsupported)} unsupported, {len(result.failed)} failed "
        f"({result.bytes_uploaded} bytes in {result.elapsed:.1f} s)"
    )
    for album, album_id in result.albums.items():
        print(f"  album {album!r}: {album_id}")
    for path, error in result.failed.items():
        print(f"  FAILED {path}: {error}")


if __name__ == "__main__":
    sys.exit(main())
