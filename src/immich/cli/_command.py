"""``@command``: registers a function as a subcommand that also takes the global options.

``--url``, ``--api-key``, ``--json`` and ``--debug`` work before the command
(``immich --json whoami``) and after it (``immich whoami --json``). Writing them into
every command's signature would repeat four parameters twenty times, so the decorator
adds them to the signature typer reads and hands the command a :class:`Session` instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from immich.cli._session import GlobalOptions, Session, run

_CONNECTION = "Connection"
_OUTPUT = "Output"

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        metavar="URL",
        help="Immich server URL, e.g. http://localhost:2283. Default: IMMICH_URL, then the saved login.",
        show_default=False,
        rich_help_panel=_CONNECTION,
    ),
]
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        metavar="KEY",
        help="API key. Default: IMMICH_API_KEY, then the saved login.",
        show_default=False,
        rich_help_panel=_CONNECTION,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Machine-readable JSON on stdout (and nothing else).",
        rich_help_panel=_OUTPUT,
    ),
]
DebugOption = Annotated[
    bool,
    typer.Option(
        "--debug", help="Log each request (never credentials) to stderr.", rich_help_panel=_OUTPUT
    ),
]

# Options of the commands that move files (not common to every command).
NoProgressOption = Annotated[bool, typer.Option("--no-progress", help="No progress bar.")]


def _concurrency(transfers: str) -> Any:
    return typer.Option(
        "--concurrency",
        "-c",
        min=1,
        metavar="N",
        help=f"Parallel {transfers}. Default: min(8, 2 x CPUs).",
    )


DownloadsOption = Annotated[int | None, _concurrency("downloads")]
UploadsOption = Annotated[int | None, _concurrency("uploads")]

_COMMON = {
    "url": UrlOption,
    "api_key": ApiKeyOption,
    "json_output": JsonOption,
    "debug": DebugOption,
}
_DEFAULTS: dict[str, Any] = {"url": None, "api_key": None, "json_output": False, "debug": False}
_CONTEXT = "_typer_context"


def root_options(ctx: typer.Context) -> GlobalOptions:
    """The global options given before the command (stored by the app's callback)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


class _PlainHelp:
    """Help that shows no type placeholders: typer prints ``<bool>`` beside every flag
    and ``<list[Path]>`` beside an argument that already names its metavar."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # a flag takes no value: nothing to show
            elif isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign] # its metavar says it
        return params


def _no_type(ctx: Any) -> None:
    return None


class Command(_PlainHelp, TyperCommand):
    pass


class Group(_PlainHelp, TyperGroup):
    pass


def command(
    app: typer.Typer, name: str | None = None, **settings: Any
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``fn(session, **its_own_options)`` as ``name`` on ``app``."""

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        clashes = {p.name for p in own} & {*_COMMON, _CONTEXT}
        if clashes:
            raise TypeError(f"{fn.__name__} redefines the global options {sorted(clashes)}")

        def wrapper(**arguments: Any) -> None:
            ctx: typer.Context = arguments.pop(_CONTEXT)
            given = GlobalOptions(
                url=arguments.pop("url"),
                api_key=arguments.pop("api_key"),
                json=arguments.pop("json_output"),
                debug=arguments.pop("debug"),
            )
            options = root_options(ctx).merged(given)
            run(options, lambda session: fn(session, **arguments))

        common = [
            inspect.Parameter(
                key,
                inspect.Parameter.KEYWORD_ONLY,
                default=_DEFAULTS[key],
                annotation=annotation,
            )
            for key, annotation in _COMMON.items()
        ]
        context = inspect.Parameter(
            _CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context
        )
        parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + [
            *common,
            context,
        ]
        wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        wrapper.__name__ = fn.__name__
        wrapper.__qualname__ = fn.__qualname__
        wrapper.__doc__ = fn.__doc__
        app.command(name, cls=Command, **settings)(wrapper)
        return fn

    return decorate


def group(help: str, *, default: Callable[[Session], None] | None = None) -> typer.Typer:
    """A command group. With ``default``, the group alone runs it (``immich server`` is
    ``immich server info``, global options allowed after it); without, it shows its help
    and exits 0."""
    app = typer.Typer(
        help=help, rich_markup_mode="markdown", invoke_without_command=True, cls=Group
    )

    @app.callback()
    def _alone(
        ctx: typer.Context,
        url: UrlOption = None,
        api_key: ApiKeyOption = None,
        json_output: JsonOption = False,
        debug: DebugOption = False,
    ) -> None:
        given = GlobalOptions(url=url, api_key=api_key, json=json_output, debug=debug)
        if ctx.invoked_subcommand is not None or ctx.resilient_parsing:
            # The group's options then apply to its command too.
            ctx.find_root().obj = root_options(ctx).merged(given)
            return
        if default is None:
            typer.echo(ctx.get_help())
            raise typer.Exit()
        run(root_options(ctx).merged(given), default)

    return app


__all__ = [
    "ApiKeyOption",
    "DebugOption",
    "JsonOption",
    "Session",
    "UrlOption",
    "command",
    "group",
]
