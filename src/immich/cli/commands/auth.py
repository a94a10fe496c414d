"""``immich login``, ``immich logout`` and ``immich whoami``."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from immich.cli import _config_file
from immich.cli._command import command
from immich.cli._errors import UsageError, display_url
from immich.cli._session import Session, make_client
from immich.cli._settings import URL_VARIABLES, Settings


def register(app: typer.Typer) -> None:
    command(app, "login")(login)
    command(app, "logout")(logout)
    command(app, "whoami")(whoami)


def login(
    session: Session,
    server: Annotated[
        str | None,
        typer.Argument(
            metavar="URL",
            help="The server, e.g. http://localhost:2283. Default: --url or IMMICH_URL.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check an API key against a server and save both for later commands.

    The key is asked for without echo; or pipe it in (`immich login URL < key.txt`), or
    pass `--api-key` (which your shell history keeps). The file is readable by you only.
    """
    url = (
        server
        or session.options.url
        or next((os.environ[name] for name in URL_VARIABLES if os.environ.get(name)), None)
    )
    if not url:
        raise UsageError("no server URL: give it as `immich login URL`")
    api_key = _read_api_key(session.options.api_key)
    session.use(Settings(url, "the command line", api_key, "the key given to login"))
    with make_client(url, api_key) as client:
        user = client.users.get_my_user()
    path = _config_file.save(url, api_key)
    if session.json:
        session.out.json(
            "login",
            {
                "url": display_url(url),
                "user": {"id": user.id, "name": user.name, "email": user.email},
                "configFile": str(path),
            },
        )
        return
    session.out.text(f"Logged in to {display_url(url)} as {user.name} <{user.email}>.")
    session.out.note(f"Saved to {path}")


def _read_api_key(given: str | None) -> str:
    if given and given != "-":
        return given
    if given == "-" or not _stdin_is_terminal():
        key = sys.stdin.readline().strip()
        if not key:
            raise UsageError("no API key on stdin")
        return key
    key = str(typer.prompt("API key", hide_input=True, err=True)).strip()
    if not key:
        raise UsageError("no API key given")
    return key


def _stdin_is_terminal() -> bool:
    return bool(getattr(sys.stdin, "isatty", lambda: False)())


def logout(session: Session) -> None:
    """Forget the saved login (the API key itself stays valid on the server)."""
    removed = _config_file.delete()
    if session.json:
        path = removed or _config_file.config_path()
        session.out.json("logout", {"removed": removed is not None, "configFile": str(path)})
    elif removed:
        session.out.text(f"Logged out: removed {removed}.")
    else:
        session.out.text(f"Not logged in (no {_config_file.config_path()}).")


def whoami(session: Session) -> None:
    """Show the user the API key belongs to, and where the settings came from."""
    user = session.client.users.get_my_user()
    settings = session.settings
    assert settings.url is not None  # the client exists, so a URL was found
    server = display_url(settings.url)
    if session.json:
        session.out.json(
            "whoami",
            {
                "server": server,
                "urlSource": settings.url_source,
                "apiKeySource": settings.key_source,
                "user": user,
            },
        )
        return
    session.out.fields(
        [
            ("Name", user.name),
            ("Email", user.email),
            ("User ID", user.id),
            ("Admin", user.is_admin),
            ("Server", f"{server}  (from {settings.url_source})"),
            ("API key", f"from {settings.key_source}" if settings.key_source else "none"),
        ]
    )
