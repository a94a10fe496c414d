"""``immich download``: original files into a folder (resumable, verified), or zip archives."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from immich.cli._command import DownloadsOption, NoProgressOption, command
from immich.cli._errors import EXIT_FAILURE, EXIT_INTERRUPTED, CLIError, UsageError
from immich.cli._output import camel_keys, counted, human_bytes
from immich.cli._progress import ProgressDisplay, progress_enabled
from immich.cli._session import Session

if TYPE_CHECKING:
    from immich._transfer.results import DownloadResult

_LISTED = 20


def register(app: typer.Typer) -> None:
    command(app, "download")(download)


def download(
    session: Session,
    destination: Annotated[
        Path,
        typer.Argument(metavar="DEST", help="The folder to download into (created if missing)."),
    ],
    album: Annotated[
        str | None,
        typer.Option("--album", metavar="NAME_OR_ID", help="The assets of this album."),
    ] = None,
    asset_ids: Annotated[
        list[str] | None,
        typer.Option("--asset-id", metavar="ID", help="This asset (repeatable)."),
    ] = None,
    taken_after: Annotated[
        str | None,
        typer.Option(
            "--taken-after",
            metavar="DATE",
            help="Taken at or after, e.g. 2024-05-01 or 2024-05-01T18:00.",
        ),
    ] = None,
    taken_before: Annotated[
        str | None,
        typer.Option("--taken-before", metavar="DATE", help="Taken before this date or time."),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", metavar="NAME_OR_ID", help="Assets showing this person."),
    ] = None,
    favorite: Annotated[bool, typer.Option("--favorite", help="Favourites only.")] = False,
    query: Annotated[
        str | None,
        typer.Option(
            "--query", metavar="TEXT", help="Smart search; the best matches (see --limit)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, metavar="N", help="At most this many assets (--query: default 250)."
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            metavar="TEMPLATE",
            help="Folders below DEST, from {album}, {yyyy}, {mm}, {dd}; e.g. '{album}/{yyyy}/{mm}'.",
        ),
    ] = "{original}",
    archive: Annotated[
        bool,
        typer.Option(
            "--archive",
            help="Download zip archives instead (with --album or --asset-id, or everything).",
        ),
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace a different file of the same name instead of numbering the new one.",
        ),
    ] = False,
    concurrency: DownloadsOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Download original files: everything, or what the options select.

    A file that is already there with the right content is skipped, and an interrupted
    download resumes where it stopped. Exits with 1 when any asset failed.
    """
    if archive:
        given = {
            "--taken-after": taken_after,
            "--taken-before": taken_before,
            "--person": person,
            "--favorite": favorite or None,
            "--query": query,
            "--limit": limit,
        }
        extra = [name for name, value in given.items() if value is not None]
        if layout != "{original}":
            extra.append("--layout")
        if extra:
            raise UsageError(f"--archive takes only --album or --asset-id, not {', '.join(extra)}")
        if album is not None and asset_ids:
            raise UsageError("use either --album or --asset-id with --archive, not both")
        _archive(session, destination, album, asset_ids, overwrite, no_progress)
        return
    if asset_ids and any(v is not None for v in (album, person, query, taken_after, taken_before)):
        raise UsageError("--asset-id cannot be combined with the other selectors")
    from immich._transfer.layout import Layout

    try:
        Layout(layout)
    except ValueError as exc:
        raise UsageError(f"--layout: {exc}") from exc
    options: dict[str, Any] = {
        "album": album,
        "asset_ids": asset_ids or None,
        "taken_after": _when("--taken-after", taken_after),
        "taken_before": _when("--taken-before", taken_before),
        "person": person,
        "favorite": True if favorite else None,
        "query": query,
        "limit": limit,
        "layout": layout,
        "concurrency": concurrency,
        "overwrite": overwrite,
    }
    result = _call(session, "download", destination, options, no_progress)
    _report(session, result)
    if not result.ok:
        raise typer.Exit(EXIT_FAILURE)


def _when(option: str, text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    from immich.cli._convert import ConversionError, parse_datetime

    try:
        return parse_datetime(text)
    except ConversionError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _call(
    session: Session, name: str, destination: Path, options: dict[str, Any], no_progress: bool
) -> Any:
    from immich._sync import download as workflows

    function = getattr(workflows, name)
    display = ProgressDisplay(session.out.stderr, enabled=progress_enabled(no_progress))
    try:
        with display:
            return function(session.client, destination, progress=display, **options)
    except KeyboardInterrupt:
        session.out.error(display.interrupted())
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (LookupError, ValueError) as exc:
        from immich import ImmichError

        if isinstance(exc, ImmichError):  # ConfigurationError is a ValueError too
            raise
        raise CLIError(str(exc)) from exc


def _archive(
    session: Session,
    destination: Path,
    album: str | None,
    asset_ids: list[str] | None,
    overwrite: bool,
    no_progress: bool,
) -> None:
    options = {"album": album, "asset_ids": asset_ids or None, "overwrite": overwrite}
    written: list[Path] = _call(session, "download_archive", destination, options, no_progress)
    if session.json:
        session.out.json(
            "download-archives",
            {"archives": [{"path": str(p), "bytes": p.stat().st_size} for p in written]},
        )
        return
    for path in written:
        session.out.text(f"Wrote {path} ({human_bytes(path.stat().st_size)})")
    if not written:
        session.out.note("Nothing to download.")


def _report(session: Session, result: DownloadResult) -> None:
    if session.json:
        session.out.json("download", camel_keys(result.to_dict()))
        return
    out = session.out
    out.fields(
        [
            (
                "Downloaded",
                f"{counted(len(result.downloaded), 'file')} ({human_bytes(result.bytes_downloaded)})",
            ),
            ("Already there", len(result.skipped)),
            ("Failed", len(result.failed)),
            ("Time", f"{result.elapsed:.1f} s"),
        ]
    )
    failures = list(result.failed.items())
    if failures:
        out.table(["Asset", "Reason"], failures[:_LISTED], title="Failed")
        if len(failures) > _LISTED:
            out.note(f"... and {len(failures) - _LISTED} more (--json lists them all)")
