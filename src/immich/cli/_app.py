"""The ``immich`` typer application: global options and the subcommands."""

from __future__ import annotations

import typer

from immich.cli._command import ApiKeyOption, DebugOption, Group, JsonOption, UrlOption
from immich.cli._session import GlobalOptions
from immich.cli.commands import api, auth, download, jobs, library, mirror, server, upload

app = typer.Typer(
    name="immich",
    help=(
        "Command line for the Immich photo server: upload, download, libraries, jobs, "
        "and every API endpoint (`immich api`).\n\n"
        "The server and API key come from --url/--api-key, else IMMICH_URL/IMMICH_API_KEY, "
        "else the login saved by `immich login URL`."
    ),
    no_args_is_help=True,
    cls=Group,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    # Locals in a traceback could include the API key.
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from immich import __version__
        from immich._core.operations import API_VERSION

        typer.echo(f"immich {__version__} (Immich API {API_VERSION})")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    url: UrlOption = None,
    api_key: ApiKeyOption = None,
    json_output: JsonOption = False,
    debug: DebugOption = False,
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    ctx.obj = GlobalOptions(url=url, api_key=api_key, json=json_output, debug=debug)


for _module in (auth, server, upload, download, mirror, library, jobs, api):
    _module.register(app)
