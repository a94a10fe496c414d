"""Upload a folder and organise it: RAW+JPEG stacks, tags from folders, dates from names.

    python examples/organise_upload.py ~/Pictures --tag Imported
    python examples/organise_upload.py ~/Pictures --no-stack --no-folder-tags

Uploads what the server does not have yet, then stacks each RAW under the JPEG of the
same name and tags every file with its folder's path below the folder given
(``Trips/Rome``) and with ``--tag``s (the files the server had already included); dates
the new files that carry no date inside by their names (``IMG_20240501_102030.jpg``,
WhatsApp's ``IMG-20240501-WA0007.jpg``); and waits until the server has processed
everything. The
tags are applied once the server has processed each file, so that they stick. With
IMMICH_URL and IMMICH_API_KEY unset it uses the built-in fake server and, given no
folder, a folder of demo files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from _demo import connect, using_fake

from immich import ImmichError, Progress, UploadResult
from immich.testing import tiny_jpeg


def write_demo_folder(root: Path) -> None:
    """A camera's RAW+JPEG pair in a trip folder, phone files dated only by their names."""
    rome = root / "Trips" / "Rome"
    rome.mkdir(parents=True)
    (rome / "IMG_0001.JPG").write_bytes(tiny_jpeg(1))
    (rome / "IMG_0001.CR2").write_bytes(b"II*\x00" + bytes(range(64)))  # a RAW, as far as it goes
    (rome / "IMG_0002.JPG").write_bytes(tiny_jpeg(2))
    phone = root / "Phone"
    phone.mkdir()
    (phone / "IMG_20240501_102030.jpg").write_bytes(tiny_jpeg(3))
    (phone / "IMG-20230102-WA0007.jpg").write_bytes(tiny_jpeg(4))


def show_progress(progress: Progress) -> None:
    if progress.phase in ("stack", "process", "tag") and progress.files_done == 0:
        print(f"  {progress.phase}: {progress.files_total} to do")


def report(result: UploadResult, root: Path) -> None:
    print(f"{len(result.uploaded)} uploaded, {len(result.duplicates)} already on the server")
    for files in result.stacks.values():
        print(f"  stack: {' over '.join(str(f.relative_to(root)) for f in files)}")
    for path, tags in sorted(result.tags.items()):
        print(f"  {path.relative_to(root)}: tagged {', '.join(tags)}")
    sources = Counter(choice.source for choice in result.dates.values())
    if result.dates:
        print("  dates from: " + ", ".join(f"{k} {n}" for k, n in sorted(sources.items())))
    for path, choice in sorted(result.dates.items()):
        if choice.source == "name":
            print(f"  {path.relative_to(root)}: {choice.taken:%Y-%m-%d %H:%M} ({choice.rule})")
    for path, why in {**result.failed, **result.tag_failures, **result.unprocessed}.items():
        print(f"  PROBLEM {path.relative_to(root)}: {why}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="the folder to upload")
    parser.add_argument("--tag", action="append", default=[], help="tag every file (repeatable)")
    parser.add_argument("--no-stack", action="store_true", help="make no RAW+JPEG stacks")
    parser.add_argument("--bursts", action="store_true", help="stack bursts named as one too")
    parser.add_argument("--no-folder-tags", action="store_true", help="no tags from folders")
    parser.add_argument("--no-name-dates", action="store_true", help="keep the files' times")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder
        if folder is None:
            if not using_fake():
                parser.error("name the folder to upload")
            folder = Path(scratch) / "Pictures"
            write_demo_folder(folder)
            print(f"No folder given: uploading the demo folder {folder}")
        rules = [] if args.no_stack else ["raw"]
        if args.bursts:
            rules.append("burst")
        try:
            with connect() as client:
                result = client.upload(
                    folder,
                    stack=rules,
                    tags=args.tag,
                    tags_from_folders=not args.no_folder_tags,
                    date_from_name=not args.no_name_dates,
                    wait=True,
                    wait_timeout=args.timeout,
                    progress=show_progress,
                )
        except ImmichError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        report(result, folder.absolute())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
