"""Write the command reference of docs/cli.md from the ``immich`` typer app.

    python scripts/gen_cli_docs.py           # rewrite the generated section
    python scripts/gen_cli_docs.py --check   # exit 1 when it is stale

Only the part between the two markers is generated; the rest of docs/cli.md is written
by hand. Each command's text comes from its docstring and its options' help, so edit
those, not the Markdown.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
BEGIN = "<!-- BEGIN GENERATED: scripts/gen_cli_docs.py -->"
END = "<!-- END GENERATED -->"
# The options every command takes are listed once, not under each command.
GLOBAL_PANELS = {"Connection", "Output"}


def _commands(group: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _option_label(param: Any) -> str:
    names = ", ".join([*param.opts, *param.secondary_opts])
    if getattr(param, "is_flag", False):
        return f"`{names}`"
    return f"`{names} {param.metavar or 'VALUE'}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _usage(path: tuple[str, ...], command: Any) -> str:
    pieces = ["immich", *path]
    if any(p.param_type_name == "option" for p in command.params):
        pieces.append("[OPTIONS]")
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            repeat = "..." if param.nargs == -1 else ""
            pieces.append(f"{name}{repeat}" if param.required else f"[{name}{repeat}]")
    return " ".join(pieces)


def _section(path: tuple[str, ...], command: Any) -> list[str]:
    lines = [f"### `immich {' '.join(path)}`", "", f"    {_usage(path, command)}", ""]
    help_text = inspect.cleandoc(command.help or "")
    lines += [help_text, ""]
    rows = []
    for param in command.params:
        if getattr(param, "rich_help_panel", None) in GLOBAL_PANELS or param.name == "help":
            continue
        if param.param_type_name == "argument":
            label = f"`{param.metavar or param.name.upper()}`"
        else:
            label = _option_label(param)
        description = _cell(getattr(param, "help", None) or "")
        default = param.default
        takes_value = param.param_type_name == "option" and not getattr(param, "is_flag", False)
        if takes_value and default not in (None, (), []) and "Default" not in description:
            description += f" Default: `{default}`."
        rows.append(f"| {label} | {description} |")
    if rows:
        lines += ["| Argument or option | Meaning |", "|---|---|", *rows, ""]
    return lines


def render() -> str:
    import typer.main

    from immich.cli._app import app

    root = typer.main.get_command(app)
    lines = [BEGIN, "", "## Command reference", ""]
    lines.append(
        "Every command also takes the global options `--url URL`, `--api-key KEY`, "
        "`--json` and `--debug` (before or after the command name)."
    )
    lines.append("")
    for path, command in _commands(root, ()):
        lines += _section(path, command)
    lines.append(END)
    return "\n".join(lines)


def updated(text: str, generated: str) -> str:
    before, begin, rest = text.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{DOC}: the markers {BEGIN!r} and {END!r} are missing")
    return before + generated + after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/cli.md is stale")
    arguments = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    fresh = updated(current, render())
    if arguments.check:
        if fresh != current:
            print(f"{DOC} is stale; run: python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
