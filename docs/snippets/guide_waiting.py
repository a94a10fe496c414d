from immich import Client, WaitProgress, WaitTimeoutError


def show(progress: WaitProgress) -> None:
    print(f"  {progress.what}: {progress.pending} pending")


with Client() as client:
    # Upload, then wait until the server has read the files and made their thumbnails:
    # from then on the assets show their final dates and EXIF.
    result = client.upload("Pictures")
    processed = client.wait.for_assets(result.uploaded.values(), timeout=600)
    for asset in sorted(processed.assets.values(), key=lambda a: a.original_file_name):
        print(f"{asset.original_file_name}: taken {asset.local_date_time:%Y-%m-%d}")
    print("given up on:", dict(processed.unfinished))

    # An admin can wait for queues, and start a job and wait for it.
    client.wait.for_queues("metadataExtraction", "thumbnailGeneration", timeout=600)
    run = client.wait.run_job("tag-cleanup", timeout=600, progress=show)
    print(f"{run.name} ran in the {run.queue.value} queue; {run.failed} jobs failed")

    try:
        client.wait.for_assets(result.uploaded.values(), timeout=0)
    except WaitTimeoutError as exc:  # what was still pending is in exc.pending
        print("still pending:", exc.pending)
    else:
        print("nothing pending")
