"""``immich server info``: version, features, storage and statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer

from immich.cli._command import command, group
from immich.cli._errors import display_url
from immich.cli._output import human_bytes, to_jsonable
from immich.cli._session import Session

T = TypeVar("T")

server_app = group(
    "The server: version, features, storage and statistics. Alone: `info`.",
    default=lambda session: info(session),
)


def register(app: typer.Typer) -> None:
    app.add_typer(server_app, name="server")
    command(server_app, "info")(info)


def _optional(session: Session, section: str, call: Callable[[], T]) -> T | None:
    """``call()``, or None with a note when the user or key may not read ``section``
    (statistics are for admins): one refused section should not hide the others."""
    from immich import PermissionDeniedError

    try:
        return call()
    except PermissionDeniedError as exc:
        needs = f"the {exc.permission!r} permission or " if exc.permission else ""
        session.out.note(f"{section} skipped: it needs {needs}an admin user")
        return None


def info(session: Session) -> None:
    """Show the server's version, features, storage use and (for admins) statistics."""
    client = session.client
    version = client.server.get_server_version()
    features = client.server.get_server_features()
    about = _optional(session, "build information", client.server.get_about_info)
    storage = _optional(session, "storage", client.server.get_storage)
    statistics = _optional(session, "statistics", client.server.get_server_statistics)
    assert session.settings.url is not None
    server = display_url(session.settings.url)
    version_text = f"{version.major}.{version.minor}.{version.patch}"
    if session.json:
        session.out.json(
            "server-info",
            {
                "server": server,
                "version": version_text,
                "about": about,
                "features": features,
                "storage": storage,
                "statistics": statistics,
            },
        )
        return
    feature_flags: dict[str, Any] = to_jsonable(features)
    rows: list[tuple[str, Any]] = [("Server", server), ("Version", version_text)]
    if about is not None:
        rows.append(("Licensed", about.licensed))
    rows.append(("Features", sorted(name for name, on in feature_flags.items() if on)))
    if storage is not None:
        rows.append(
            (
                "Storage",
                f"{storage.disk_use} used of {storage.disk_size} "
                f"({storage.disk_usage_percentage:.0f}%), {storage.disk_available} free",
            )
        )
    if statistics is not None:
        rows.append(
            (
                "Assets",
                f"{statistics.photos} photos, {statistics.videos} videos, "
                f"{human_bytes(statistics.usage)}",
            )
        )
    session.out.fields(rows)
    if statistics is not None and statistics.usage_by_user:
        session.out.table(
            ["User", "Photos", "Videos", "Usage"],
            (
                (row.user_name, row.photos, row.videos, human_bytes(row.usage))
                for row in statistics.usage_by_user
            ),
            title="Usage by user",
            right=["Photos", "Videos", "Usage"],
        )
