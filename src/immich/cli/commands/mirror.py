"""``immich mirror``: an incremental, verified local copy of a user's whole library."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from immich.cli._command import DownloadsOption, NoProgressOption, command
from immich.cli._errors import EXIT_FAILURE, EXIT_INTERRUPTED, CLIError, UsageError
from immich.cli._output import camel_keys, counted, human_bytes
from immich.cli._progress import ProgressDisplay, progress_enabled
from immich.cli._session import Session
from immich.cli._settings import Settings

if TYPE_CHECKING:
    from immich._transfer.results import MirrorResult

EMAIL_VARIABLE = "IMMICH_EMAIL"
PASSWORD_VARIABLE = "IMMICH_PASSWORD"
_LISTED = 20


def register(app: typer.Typer) -> None:
    command(app, "mirror")(mirror)


def mirror(
    session: Session,
    destination: Annotated[
        Path,
        typer.Argument(metavar="DEST", help="The mirror's folder (created by the first run)."),
    ],
    email: Annotated[
        str | None,
        typer.Option(
            "--email",
            metavar="EMAIL",
            help=(
                "Sign in as this user (the sync protocol refuses API keys); the password "
                f"is asked for, or read from {PASSWORD_VARIABLE} or --password-stdin. "
                f"Default: {EMAIL_VARIABLE}. Needed by the first run only: the mirror "
                "keeps its session."
            ),
            show_default=False,
        ),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            metavar="TEMPLATE",
            help="Folders for the files, from {yyyy}, {mm}, {dd} (fixed by the first files; default {yyyy}/{mm}).",
            show_default=False,
        ),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Move what the server trashed or deleted into DEST/.trash/ (default: keep it in place).",
        ),
    ] = False,
    album_links: Annotated[
        bool,
        typer.Option("--album-links", help="Also a folder of links per album in DEST/albums/."),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Read every file again and fetch again what differs (SHA-1)."
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="List the whole library again, not just the changes."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    concurrency: DownloadsOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Keep a local copy of the whole library up to date: originals, metadata, albums.

    The first run downloads every original (verified by SHA-1) with a JSON sidecar each
    and a manifest per album; later runs fetch only what changed since, through the
    server's sync protocol. Nothing in DEST is ever deleted. A run stopped at any point
    resumes where it was. The server comes from --url, IMMICH_URL or the saved login, and
    after the first run from the mirror itself. Exits with 1 when a file failed or the
    server's list of changes was cut short.
    """
    from immich._transfer.mirror_state import read_meta

    settings = session.settings
    if not settings.url:
        stored = read_meta(destination, "server_url")
        if stored is None:
            from immich.cli._errors import NO_URL

            raise UsageError(NO_URL)
        settings = Settings(stored, f"the mirror ({destination})", settings.api_key, None)
        session.use(settings)
    email = email or os.environ.get(EMAIL_VARIABLE) or None
    if email is None and read_meta(destination, "session_token") is None:
        raise UsageError(
            "a mirror needs a login session of its own (the server's sync protocol refuses "
            f"API keys): pass --email EMAIL (or set {EMAIL_VARIABLE}), and the password when "
            f"asked, in {PASSWORD_VARIABLE} or with --password-stdin; the mirror signs in once "
            "and keeps its session for later runs"
        )
    password = _password(session, email, password_stdin)
    options: dict[str, Any] = {
        "email": email,
        "password": password,
        "layout": layout,
        "prune": prune,
        "album_links": album_links,
        "verify": verify,
        "full": full,
        "dry_run": dry_run,
        "concurrency": concurrency,
    }
    display = ProgressDisplay(session.out.stderr, enabled=progress_enabled(no_progress))
    client = session.client
    try:
        with display:
            result = client.mirror(destination, progress=display, **options)
    except KeyboardInterrupt:
        session.out.error(display.interrupted())
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except ValueError as exc:
        from immich import ImmichError

        if isinstance(exc, ImmichError):  # (ConfigurationError: described by run())
            raise
        raise UsageError(str(exc)) from exc
    except Exception as exc:
        from immich import AuthenticationError

        if isinstance(exc, AuthenticationError) and email is not None:
            reason = exc.server_message or "refused"
            raise CLIError(
                f"the server refused the email and password of {email} ({reason})"
            ) from exc
        raise
    _report(session, result)
    if not result.ok:
        raise typer.Exit(EXIT_FAILURE)


def _password(session: Session, email: str | None, from_stdin: bool) -> str | None:
    if email is None:
        if from_stdin:
            raise UsageError("--password-stdin needs --email (or IMMICH_EMAIL)")
        return None
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise UsageError("no password on stdin")
        return password
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if not session.out.interactive:
        raise UsageError(
            f"a password is needed for {email}: set {PASSWORD_VARIABLE} or pass --password-stdin"
        )
    password = str(typer.prompt(f"Password for {email}", hide_input=True, err=True))
    if not password:
        raise UsageError("no password given")
    return password


def _report(session: Session, result: MirrorResult) -> None:
    if session.json:
        session.out.json("mirror", camel_keys(result.to_dict()))
        return
    out = session.out
    if result.dry_run:
        downloaded = ("Would download", counted(len(result.would_download), "file"))
    else:
        files = (
            f"{counted(len(result.downloaded), 'file')} ({human_bytes(result.bytes_downloaded)})"
        )
        downloaded = ("Downloaded", files)
    rows: list[tuple[str, Any]] = [
        downloaded,
        ("Already there", len(result.already_there)),
        ("Metadata updated", len(result.updated)),
        ("Deleted on the server", len(result.deleted)),
        ("Moved to .trash", len(result.trashed)),
        ("Restored from .trash", len(result.restored)),
        ("Albums to write" if result.dry_run else "Albums written", result.albums),
        ("Locked (not downloaded)", len(result.locked)),
        ("Failed", len(result.failed)),
        ("In the mirror", f"{counted(result.files, 'file')} of {counted(result.assets, 'asset')}"),
        ("Sync stream lines", f"{result.events}{' (full listing)' if result.full else ''}"),
        ("Time", f"{result.elapsed:.1f} s"),
    ]
    out.fields([(k, v) for k, v in rows if v not in (0, "0 files", "0 files (0 B)")])
    for note in result.notes:
        out.note(note)
    if result.dry_run:
        out.note("dry run: nothing was changed")
    failures = list(result.failed.items())
    if failures:
        out.table(["Asset", "Reason"], failures[:_LISTED], title="Failed")
        if len(failures) > _LISTED:
            out.note(f"... and {len(failures) - _LISTED} more (--json lists them all)")
