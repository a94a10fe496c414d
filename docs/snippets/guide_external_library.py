import os

from immich import Client

photos = os.path.abspath("Pictures")  # a folder the *server* can read

with Client() as client:
    me = client.users.get_my_user()  # creating libraries needs an admin
    library = client.libraries.create_library(
        owner_id=me.id,
        name="NAS photos",
        import_paths=[photos],
        exclusion_patterns=["**/@eaDir/**", "**/*.tmp"],
    )

    check = client.libraries.validate(library.id, import_paths=[photos])
    for item in check.import_paths:
        print(item.import_path == photos, "valid" if item.is_valid else item.message)

    # Queue the scan and wait until it is done (this library's jobs, not every library's).
    scan = client.wait.scan_library(library.id, timeout=3600)
    print(f"added {scan.added}, removed {scan.removed}, unchanged {scan.unchanged}")
    stats = scan.statistics
    print(f"{library.name}: {stats.photos} photos, {stats.videos} videos")
