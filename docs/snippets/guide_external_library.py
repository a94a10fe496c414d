import os
import time

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

    client.libraries.scan_library(library.id)  # queues a scan on the "library" queue
    while client.queues.get_queue("library").statistics.active:
        time.sleep(2)

    stats = client.libraries.get_library_statistics(library.id)
    print(f"{library.name}: {stats.photos} photos, {stats.videos} videos")
