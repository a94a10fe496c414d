from immich import Client, Progress


def show(progress: Progress) -> None:
    if progress.path is not None:  # a file just finished this phase
        print(
            f"{progress.phase}: {progress.files_done}/{progress.files_total} {progress.path.name}"
        )


with Client() as client:
    # First a dry run: hash and ask the server, send nothing.
    plan = client.upload("Pictures", dry_run=True)
    print("would upload:", len(plan.would_upload), "files")

    result = client.upload(
        "Pictures",
        album="2024",  # created if missing; duplicates are added too
        ignore=["*.tmp", "@eaDir/"],  # gitignore-like patterns
        progress=show,
    )
    print(f"{len(result.uploaded)} new, {len(result.duplicates)} already there")
    for path, error in result.failed.items():
        print("failed:", path, error)

    # Running it again uploads nothing: every file is a duplicate now.
    again = client.upload("Pictures", album="2024")
    print("second run:", len(again.uploaded), "new,", len(again.duplicates), "duplicates")
    print("ok:", again.ok)
