"""``immich upload``: files and folders to the server, skipping what it already has."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from immich.cli._command import NoProgressOption, UploadsOption, command
from immich.cli._errors import EXIT_FAILURE, EXIT_INTERRUPTED, CLIError, UsageError
from immich.cli._output import camel_keys, counted, human_bytes
from immich.cli._progress import ProgressDisplay, progress_enabled
from immich.cli._session import Session

if TYPE_CHECKING:
    from immich._transfer.results import UploadResult
    from immich.cli._watch import Watcher

_VISIBILITIES = ("archive", "timeline", "hidden", "locked")
_SOURCES = {"exif": "metadata", "name": "name", "file": "file time"}
# Rows of a file list printed for humans; --json always has them all.
_LISTED = 20


def register(app: typer.Typer) -> None:
    command(app, "upload")(upload)


def upload(
    session: Session,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files and folders to upload.")
    ],
    album: Annotated[
        str | None,
        typer.Option(
            "--album", metavar="NAME", help="Add the files to this album (created if missing)."
        ),
    ] = None,
    album_from_folder: Annotated[
        bool,
        typer.Option(
            "--album-from-folder", help="Add each file to an album named after its folder."
        ),
    ] = False,
    no_recursive: Annotated[
        bool, typer.Option("--no-recursive", help="Only the files directly in each folder.")
    ] = False,
    include_hidden: Annotated[
        bool, typer.Option("--include-hidden", help="Also upload hidden files and folders.")
    ] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="GLOB",
            help="Skip files and folders matching this gitignore-like pattern (repeatable).",
        ),
    ] = None,
    visibility: Annotated[
        str | None,
        typer.Option(
            "--visibility",
            metavar="VISIBILITY",
            help=f"Visibility of the new assets: {', '.join(_VISIBILITIES)}.",
        ),
    ] = None,
    favorite: Annotated[
        bool, typer.Option("--favorite", help="Mark the new assets as favourites.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be uploaded; change nothing.")
    ] = False,
    delete: Annotated[
        bool,
        typer.Option("--delete", help="Delete each local file once the server has stored it."),
    ] = False,
    delete_duplicates: Annotated[
        bool,
        typer.Option("--delete-duplicates", help="Delete local files the server already has."),
    ] = False,
    concurrency: UploadsOption = None,
    no_hash_cache: Annotated[
        bool,
        typer.Option(
            "--no-hash-cache", help="Read every file again instead of remembering checksums."
        ),
    ] = False,
    stack: Annotated[
        bool,
        typer.Option(
            "--stack",
            help="Stack a RAW under the JPEG/HEIC of the same name in its folder (JPEG on top).",
        ),
    ] = False,
    stack_bursts: Annotated[
        bool,
        typer.Option(
            "--stack-bursts",
            help="Stack a phone's burst shots, named as one (..._BURST2024..., ..._Burst01).",
        ),
    ] = False,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            metavar="TAG",
            help="Tag every file, e.g. --tag Trips/Rome (repeatable; missing tags are made).",
        ),
    ] = None,
    tags_from_folders: Annotated[
        bool,
        typer.Option(
            "--tags-from-folders",
            help="Tag each file with its folder below the one given (Trips/Rome/x.jpg: Trips/Rome).",
        ),
    ] = False,
    date_from_name: Annotated[
        bool,
        typer.Option(
            "--date-from-name",
            help="Files with no date inside: take it from the name (IMG_20240501_102030.jpg).",
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait", help="Wait until the server has processed the files (metadata, thumbnails)."
        ),
    ] = False,
    wait_timeout: Annotated[
        float | None,
        typer.Option(
            "--wait-timeout",
            metavar="SECONDS",
            help="Give up waiting for the server's processing after this long.",
        ),
    ] = None,
    no_progress: NoProgressOption = False,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="After uploading, keep watching for new files until Ctrl-C."),
    ] = False,
    watch_interval: Annotated[
        float,
        typer.Option(
            "--watch-interval",
            min=0.1,
            metavar="SECONDS",
            help="With --watch: seconds between looks.",
        ),
    ] = 5.0,
) -> None:
    """Upload files and folders, skipping what the server already has (by checksum).

    Then, when asked, organise them (files the server had already included): stack RAWs
    under their JPEGs (--stack) and bursts (--stack-bursts), tag them (--tag,
    --tags-from-folders: applied once the server has processed each file, so that they
    stick), and wait until the server has processed them all (--wait). --date-from-name
    dates files without a date inside by their names, and the report says where each
    new file's date came from.

    Exits with 1 when any file failed. With --json, prints the result of each pass as
    one JSON object per line.
    """
    if album is not None and album_from_folder:
        raise UsageError("use either --album or --album-from-folder, not both")
    if tags:
        from immich._transfer.tagging import tag_values

        try:
            tag_values(tags)
        except ValueError as exc:
            raise UsageError(f"--tag: {exc}") from None
    options: dict[str, Any] = {
        "recursive": not no_recursive,
        "include_hidden": include_hidden,
        "ignore": ignore or [],
        "album": album,
        "album_from_folder": album_from_folder,
        "dry_run": dry_run,
        "delete_uploaded": delete,
        "delete_duplicates": delete_duplicates,
        "concurrency": concurrency,
        "hash_cache": not no_hash_cache,
        "stack": [rule for rule, on in (("raw", stack), ("burst", stack_bursts)) if on],
        "tags": tags or [],
        "tags_from_folders": tags_from_folders,
        "date_from_name": date_from_name,
        "wait": wait,
        "wait_timeout": wait_timeout,
    }
    if visibility is not None:
        options["visibility"] = _visibility(visibility)
    if favorite:
        options["favorite"] = True
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")

    if not watch:
        if not _one_pass(session, list(paths), options, no_progress).ok:
            raise typer.Exit(EXIT_FAILURE)
        return
    from immich._transfer.files import WalkOptions
    from immich._transfer.ignore import IgnoreRules
    from immich.cli._watch import Watcher

    watcher = Watcher(
        paths, WalkOptions(not no_recursive, include_hidden, IgnoreRules(ignore or []))
    )
    # Taken before the first pass, so that files changed while it runs count as changed.
    watcher.mark_current()
    ok = _one_pass(session, list(paths), options, no_progress).ok
    ok = _watch(session, watcher, options, no_progress, watch_interval) and ok
    raise typer.Exit(0 if ok else EXIT_FAILURE)


def _watch(
    session: Session,
    watcher: Watcher,
    options: dict[str, Any],
    no_progress: bool,
    interval: float,
) -> bool:
    """Upload what turns up until Ctrl-C; whether every pass succeeded."""
    from immich.cli import _watch

    ok = True
    session.out.note(f"Watching for new files every {interval:g} s; Ctrl-C stops.")
    while True:
        try:
            _watch.pause(interval)
            ready = watcher.poll()
        except KeyboardInterrupt:
            # Ctrl-C between passes is how watching is meant to end, not a failure.
            session.out.note("Stopped watching.")
            return ok
        if ready:
            ok = _one_pass(session, ready, options, no_progress).ok and ok


def _visibility(text: str) -> Any:
    from immich.cli._convert import ConversionError, parse_enum
    from immich.models.asset_visibility import AssetVisibility

    try:
        return parse_enum(text, AssetVisibility)
    except ConversionError as exc:
        raise UsageError(f"--visibility: {exc}") from None


def _one_pass(
    session: Session, paths: list[Path], options: dict[str, Any], no_progress: bool
) -> UploadResult:
    from immich._sync.upload import upload as upload_files

    client = session.client
    display = ProgressDisplay(session.out.stderr, enabled=progress_enabled(no_progress))
    try:
        with display:
            result = upload_files(client, paths, progress=display, **options)
    except KeyboardInterrupt:
        session.out.error(display.interrupted())
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (LookupError, ValueError) as exc:
        from immich import ImmichError

        if isinstance(exc, ImmichError):  # ConfigurationError is a ValueError too
            raise
        raise CLIError(str(exc)) from exc
    report(session, result)
    return result


def report(session: Session, result: UploadResult) -> None:
    if session.json:
        # One line per pass, so that --watch output is JSON Lines.
        session.out.json_line("upload", camel_keys(result.to_dict()))
        return
    out = session.out
    rows: list[tuple[str, Any]] = []
    if result.dry_run:
        rows.append(("Would upload", files(len(result.would_upload))))
    else:
        rows.append(
            (
                "Uploaded",
                f"{files(len(result.uploaded))} ({human_bytes(result.bytes_uploaded)})",
            )
        )
    rows.append(("Already on server", files(len(result.duplicates))))
    if result.unsupported:
        rows.append(("Unsupported", files(len(result.unsupported))))
    if result.deleted:
        rows.append(("Deleted locally", len(result.deleted)))
    if result.albums:
        rows.append(("Albums", sorted(result.albums)))
    if result.stacks:
        rows.append(("Stacks", len(result.stacks)))
    if result.tags:
        used = sorted({tag for tags in result.tags.values() for tag in tags})
        rows.append(("Tagged", f"{len(result.tags)} files: {', '.join(used)}"))
    if result.dates:
        sources = Counter(choice.source for choice in result.dates.values())
        rows.append(
            ("Dates from", ", ".join(f"{_SOURCES[k]} {n}" for k, n in sorted(sources.items())))
        )
    if result.unprocessed:
        rows.append(("Not processed", len(result.unprocessed)))
    failed = len(result.failed) + len(result.album_failures)
    failed += len(result.stack_failures) + len(result.tag_failures)
    rows.append(("Failed", failed))
    rows.append(("Time", f"{result.elapsed:.1f} s"))
    out.fields(rows)
    if result.dry_run and result.would_upload:
        _listing(session, "Would upload", [(str(p),) for p in result.would_upload], ["File"])
    if result.unsupported:
        # Named, so that one can tell a stray file from a type the server does not take.
        _listing(
            session,
            "Unsupported (not a type this server takes)",
            [(str(p),) for p in result.unsupported],
            ["File"],
        )
    failures = [(str(path), message) for path, message in result.failed.items()]
    failures += [(f"album {name}", message) for name, message in result.album_failures.items()]
    failures += [(f"stack {path}", message) for path, message in result.stack_failures.items()]
    failures += [(f"tags {path}", message) for path, message in result.tag_failures.items()]
    if failures:
        _listing(session, "Failed", failures, ["File", "Reason"])
    named = [
        (str(path), f"{choice.taken:%Y-%m-%d %H:%M:%S}", choice.rule or "")
        for path, choice in result.dates.items()
        if choice.source == "name"
    ]
    if named:
        _listing(session, "Dated by name", named, ["File", "Date", "Rule"])
    if result.unprocessed:
        rows = [(str(path), message) for path, message in result.unprocessed.items()]
        _listing(session, "Not processed by the server", rows, ["File", "Reason"])


def files(count: int) -> str:
    return counted(count, "file")


def _listing(
    session: Session, title: str, rows: Sequence[tuple[str, ...]], columns: list[str]
) -> None:
    shown = rows[:_LISTED]
    session.out.table(columns, shown, title=title)
    if len(rows) > len(shown):
        session.out.note(f"... and {len(rows) - len(shown)} more (--json lists them all)")
