from pathlib import Path

from immich import Client

root = Path("backup").absolute()

with Client() as client:
    # Original files, sorted into folders; a second run skips what is already there.
    got = client.download(root, album="Trip", layout="{album}/{yyyy}/{mm}")
    print(f"{len(got.downloaded)} downloaded, {len(got.skipped)} skipped, ok={got.ok}")
    for path in sorted(got.downloaded.values()):
        print(" ", path.relative_to(root).as_posix())

    again = client.download(root, album="Trip", layout="{album}/{yyyy}/{mm}")
    print("second run:", len(again.downloaded), "downloaded,", len(again.skipped), "skipped")

    # Or as zip archives that the server builds.
    for archive in client.assets.download_archive("zips", album="Trip"):
        print("archive:", archive.name)
