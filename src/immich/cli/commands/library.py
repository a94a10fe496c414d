"""``immich library``: external libraries (folders on the server that Immich imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from immich.cli._command import command, group
from immich.cli._output import camel_keys, human_bytes
from immich.cli._session import Session

if TYPE_CHECKING:
    from immich import Client

library_app = group(
    "External libraries: folders on the server that Immich imports (admin only). Alone: `list`.",
    default=lambda session: list_libraries(session),
)


def register(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
    command(library_app, "list")(list_libraries)
    command(library_app, "create")(create)
    command(library_app, "scan")(scan)


def list_libraries(session: Session) -> None:
    """List the external libraries, with how many assets each holds."""
    from immich.cli._output import to_jsonable

    client = session.client
    libraries = client.libraries.get_all_libraries()
    # (A listed library's assetCount is always 0: the server counts in its statistics.)
    statistics = [client.libraries.get_library_statistics(library.id) for library in libraries]
    if session.json:
        session.out.json(
            "libraries",
            {
                "libraries": [
                    {**to_jsonable(library), "statistics": to_jsonable(counted)}
                    for library, counted in zip(libraries, statistics, strict=True)
                ]
            },
        )
        return
    if not libraries:
        session.out.note("No external libraries.")
        return
    session.out.table(
        ["ID", "Name", "Import paths", "Exclusions", "Assets", "Last scan"],
        (
            (
                library.id,
                library.name,
                library.import_paths,
                library.exclusion_patterns,
                counted.total,
                library.refreshed_at,
            )
            for library, counted in zip(libraries, statistics, strict=True)
        ),
        right=["Assets"],
    )


def create(
    session: Session,
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="The library's name.")],
    import_paths: Annotated[
        list[str],
        typer.Option(
            "--import-path",
            metavar="PATH",
            help="A folder to import, as the server sees it (repeat for several).",
        ),
    ],
    exclusion_patterns: Annotated[
        list[str] | None,
        typer.Option(
            "--exclusion-pattern",
            metavar="GLOB",
            help="A glob of files to skip, e.g. '**/@eaDir/**' (repeat for several).",
        ),
    ] = None,
    owner_id: Annotated[
        str | None,
        typer.Option(
            "--owner-id", metavar="ID", help="The user who owns the assets. Default: you."
        ),
    ] = None,
) -> None:
    """Create an external library, and check its import paths on the server."""
    client = session.client
    owner = owner_id or client.users.get_my_user().id
    library = client.libraries.create_library(
        owner_id=owner,
        name=name,
        import_paths=import_paths,
        exclusion_patterns=exclusion_patterns or [],
    )
    invalid = _invalid_import_paths(client, library.id, import_paths)
    for path, message in invalid.items():
        session.out.warn(f"import path {path}: {message}")
    if session.json:
        session.out.json("library-create", {"library": library, "invalidImportPaths": invalid})
        return
    session.out.text(f"Created library {library.name!r} ({library.id}).")
    session.out.note(f"Scan it with: immich library scan {library.id}")


def _invalid_import_paths(client: Client, library_id: str, paths: list[str]) -> dict[str, str]:
    """The server accepts any path; checking now beats finding out after an empty scan.
    A check the server refuses is no reason to fail a library that was created."""
    from immich import APIStatusError

    try:
        checked = client.libraries.validate(library_id, import_paths=paths)
    except APIStatusError:
        return {}
    return {
        result.import_path: str(result.message or "invalid")
        for result in checked.import_paths or []
        if not result.is_valid
    }


def scan(
    session: Session,
    library_ref: Annotated[str, typer.Argument(metavar="ID", help="The library's id or name.")],
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait until the scan is done, then show counts.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", metavar="SECONDS", help="With --wait: give up after this many seconds."
        ),
    ] = None,
) -> None:
    """Scan a library for new, changed and removed files.

    With --wait: wait until the scan is done, then say what it found (files added,
    removed and back, assets unchanged) and the library's counts.
    """
    from immich._sync._lookup import find_library

    client = session.client
    library = find_library(client, library_ref)
    if not wait:
        client.libraries.scan_library(library.id)
        if session.json:
            session.out.json("library-scan", {"library": library, "finished": False})
        else:
            session.out.text(f"Scan of {library.name!r} queued.")
        return

    from immich.cli._queues import WaitNotes

    session.out.note(
        f"Scanning {library.name!r}; waiting until the scan is done (Ctrl-C stops waiting)..."
    )
    result = client.wait.scan_library(
        library.id, timeout=timeout, progress=WaitNotes(session.out, "library")
    )
    if session.json:
        session.out.json("library-scan", {"finished": True, **camel_keys(result.to_dict())})
        return
    stats = result.statistics
    found = f"{result.added} added"
    if result.removed is not None:
        found += f", {result.removed} removed, {result.restored} back, {result.unchanged} unchanged"
    session.out.text(
        f"Scanned {library.name!r}: {found}. The library has {stats.photos} photos, "
        f"{stats.videos} videos, {human_bytes(stats.usage)}."
    )
    if result.removed is None:
        session.out.note(
            "(Removed, returning and unchanged files are counted for the library's owner only: "
            "this library belongs to another user.)"
        )
