from immich import Client

with Client() as client:
    result = client.upload(
        "Pictures",
        stack=True,  # a RAW under the JPEG/HEIC of the same name (["raw", "burst"]: bursts too)
        tags=["Imported"],  # every file, new or already there
        tags_from_folders=True,  # Pictures/2024/garden.jpg -> the tag "2024"
        date_from_name=True,  # IMG_20240501_102030.jpg without EXIF: 2024-05-01 10:20:30
        wait=True,  # return once the server has processed every file
    )
    for path, tags in sorted(result.tags.items()):
        print(f"{path.name}: tagged {', '.join(tags)}")
    for path, date in sorted(result.dates.items()):
        print(f"{path.name}: {date.taken:%Y-%m-%d %H:%M} from {date.source}")
    print(
        "stacks:", len(result.stacks), "not processed:", len(result.unprocessed), "ok:", result.ok
    )
