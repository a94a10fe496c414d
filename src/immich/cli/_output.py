"""Where output goes: results on stdout, everything else (notes, warnings, progress) on
stderr, so that ``--json`` output can be piped into ``jq`` untouched.

With ``--json`` every command prints JSON documents of one convention (docs/cli.md):
each an object that names its ``schema`` (``immich.<command>``) and ``schemaVersion``
(raised only when a change would break a script), members in camelCase as the API's,
timestamps as the server writes them; one document, or one per line (JSON Lines) where
the command says so. A failure is a document too (``immich.error``), on stderr.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


#: The version of every CLI JSON schema (see the module's docstring).
SCHEMA_VERSION = 1


def document(schema: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON document of the CLI: its schema first, then ``payload``'s members."""
    return {"schema": f"immich.{schema}", "schemaVersion": SCHEMA_VERSION, **to_jsonable(payload)}


def camel_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A result's ``to_dict()`` with its own keys in the API's style (``bytesUploaded``);
    the values, whose keys are paths or ids, stay as they are."""
    from immich._core.naming import camel_case

    return {camel_case(key): value for key, value in mapping.items()}


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for models (camelCase, as on the wire), paths, dates and enums."""
    import attrs

    if attrs.has(type(value)):
        from immich import converter

        value = converter.unstructure(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, datetime.datetime):
        from immich._core.converter import format_datetime

        return format_datetime(value)  # as the server writes them
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def counted(count: int, noun: str) -> str:
    """``"1 file"``, ``"2 files"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def human_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


class Output:
    """The printing side of one command run."""

    def __init__(self, *, json_mode: bool) -> None:
        self.json_mode = json_mode
        self._stdout: Console | None = None
        self._stderr: Console | None = None

    # Consoles are made on first use: rich is imported only by commands that print with
    # it, and the streams are looked up when printing (CliRunner swaps them per run).
    @property
    def stdout(self) -> Console:
        if self._stdout is None:
            from rich.console import Console

            # (Tables are drawn for a terminal only: see table() for piped output.)
            self._stdout = Console(highlight=False, soft_wrap=False)
        return self._stdout

    @property
    def stderr(self) -> Console:
        if self._stderr is None:
            from rich.console import Console

            self._stderr = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._stderr

    @property
    def interactive(self) -> bool:
        """Whether stdout is a terminal a human watches (progress bars, colours)."""
        return bool(getattr(sys.stdout, "isatty", lambda: False)())

    def json(self, schema: str, payload: Mapping[str, Any]) -> None:
        """The command's one JSON document, on stdout."""
        text = json.dumps(document(schema, payload), indent=2, ensure_ascii=False)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def json_line(self, schema: str, payload: Mapping[str, Any]) -> None:
        """One JSON document of a JSON Lines output (a command that prints several)."""
        sys.stdout.write(json.dumps(document(schema, payload), ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def json_error(self, message: str, *, exit_code: int, kind: str, status: int | None) -> None:
        """A failure as a JSON document, on stderr (stdout keeps only results)."""
        error: dict[str, Any] = {"message": message, "type": kind, "exitCode": exit_code}
        if status is not None:
            error["status"] = status
        sys.stderr.write(json.dumps(document("error", {"error": error}), ensure_ascii=False) + "\n")
        sys.stderr.flush()

    def text(self, message: str) -> None:
        """A result line for humans; in JSON mode results go through :meth:`json` only."""
        if not self.json_mode:
            self.stdout.print(message, markup=False)

    def note(self, message: str) -> None:
        self.stderr.print(message, markup=False, style="dim")

    def warn(self, message: str) -> None:
        self.stderr.print(f"warning: {message}", markup=False, style="yellow")

    def error(self, message: str) -> None:
        self.stderr.print(f"error: {message}", markup=False, style="bold red")

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str | None = None,
        right: Iterable[str] = (),
    ) -> None:
        """A table of rows on stdout, drawn to the terminal's width; piped, tab-separated
        text instead (its title as a ``# title`` line, a header line, then a line per row:
        for ``cut``, ``awk`` or a spreadsheet). Cells are printed as text, never as rich
        markup."""
        if not self.interactive:
            self._tab_separated([columns, *rows], title)
            return
        from rich.table import Table
        from rich.text import Text

        aligned = set(right)
        table = Table(title=title, title_justify="left", title_style="bold")
        for index, column in enumerate(columns):
            # Ids and names in the first column are copied and pasted: never cut them
            # short with an ellipsis; long cells elsewhere wrap instead.
            table.add_column(
                column,
                justify="right" if column in aligned else "left",
                no_wrap=index == 0 or column in aligned,
                overflow="fold",
            )
        for row in rows:
            table.add_row(*(Text(_cell(value)) for value in row))
        self.stdout.print(table)

    def _tab_separated(self, rows: Iterable[Sequence[Any]], title: str | None) -> None:
        if title:
            sys.stdout.write(f"# {_plain(title)}\n")  # (a comment line, as in many tools)
        for row in rows:
            sys.stdout.write("\t".join(_plain(value) for value in row) + "\n")
        sys.stdout.flush()

    def fields(self, pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> None:
        """A two-column "name: value" block (piped: "name<TAB>value" lines)."""
        if not self.interactive:
            self._tab_separated(pairs, title)
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=title, title_justify="left", title_style="bold", show_header=False, box=None
        )
        table.add_column(style="bold")
        table.add_column()
        for name, value in pairs:
            table.add_row(Text(name), Text(_cell(value)))
        self.stdout.print(table)


def _plain(value: Any) -> str:
    """A cell of tab-separated output: one line, no tab in it."""
    return " ".join(_cell(value).replace("\t", " ").splitlines())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_cell, value)) or "-"
    return str(value)
