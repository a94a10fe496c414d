"""``immich api GROUP METHOD [ARGS]``: every operation of the API, from its Python signature.

Options are the method's keyword parameters (``--album-name`` or ``--album_name``); path
parameters are positional or options. Results print as JSON. Methods that return a file
write it to ``--output FILE`` (``-`` for stdout) through their streaming ``*_to_file``
twin, so nothing large is held in memory.

The arguments are parsed here rather than by typer: they depend on the method named.
The global options (``--url``, ``--api-key``, ``--json``, ``--debug``) are understood
too, unless the method has a parameter of that name (``auth start_oauth --url``), in
which case give them before ``api``: ``immich --url SERVER api auth start_oauth --url CB``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

import typer

from immich.cli._command import root_options
from immich.cli._convert import ConversionError, ParamType, convert, param_type
from immich.cli._errors import UsageError
from immich.cli._session import GlobalOptions, Session, run


def register(app: typer.Typer) -> None:
    app.command(
        "api",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
        help="Call any API operation: immich api GROUP METHOD [--param VALUE ...]. "
        "`immich api --list` lists the groups, `immich api GROUP --list` their methods, "
        "`immich api GROUP METHOD --help` a method's parameters.",
    )(api)


_GLOBAL_VALUE_OPTIONS = {"url", "api_key", "output"}
_GLOBAL_FLAGS = {"json", "debug", "list", "help"}
_SHORT = {"-o": "output", "-h": "help"}


_GENERATED = "immich._sync.api."


def _key(text: str) -> str:
    return text.replace("-", "").replace("_", "").lower()


# ---- the catalogue of groups and methods ------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: ParamType
    positional: bool
    required: bool
    help: str = ""

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class Method:
    group: str
    name: str
    function: Callable[..., Any]
    parameters: dict[str, Parameter] = field(default_factory=dict)
    binary: bool = False

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.function) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


@cache
def operation_names() -> frozenset[str]:
    from immich._core import operations as _operations
    from immich._core.operation import Operation

    return frozenset(
        value.name for value in vars(_operations).values() if isinstance(value, Operation)
    )


@cache
def group_names() -> tuple[str, ...]:
    from immich._sync.api import GROUPS

    return tuple(GROUPS)


@cache
def group_class(group: str) -> type:
    from immich._sync._resource import APIGroup

    name = f"immich._sync.api.{group}"
    module = importlib.import_module(name)
    for value in vars(module).values():
        # Other groups' classes are imported there too (``deprecated`` borrows methods).
        if isinstance(value, type) and issubclass(value, APIGroup) and value.__module__ == name:
            return value
    raise LookupError(group)  # pragma: no cover - every group module defines its class


def methods_of(group: str) -> dict[str, Method]:
    cls = group_class(group)
    # Hand-written helpers mixed into a group (assets.download_archive, the bulk
    # download) may share an operation's name; only the generated methods are the API.
    names = sorted(
        name
        for name in operation_names()
        if str(getattr(getattr(cls, name, None), "__module__", "")).startswith(_GENERATED)
    )
    return {name: _method(group, name, cls) for name in names}


def _method(group: str, name: str, cls: type) -> Method:
    function = getattr(cls, name)
    hints = typing.get_type_hints(function, localns=_models_named_in(function))
    docs = _argument_docs(inspect.getdoc(function) or "")
    parameters = {}
    for p in list(inspect.signature(function).parameters.values())[1:]:
        parameters[p.name] = Parameter(
            name=p.name,
            kind=param_type(hints[p.name]),
            positional=p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD,
            required=p.default is inspect.Parameter.empty,
            help=docs.get(p.name, ""),
        )
    return Method(group, name, function, parameters, binary=hasattr(cls, f"{name}_to_file"))


def _models_named_in(function: Callable[..., Any]) -> dict[str, Any]:
    """The models a generated method's annotations name: its module imports them for
    type checkers only (and ``SyncEvent``, the sync stream's lines)."""
    from immich import models
    from immich._core.sync import SyncEvent

    words = set(re.findall(r"[A-Za-z_]\w*", " ".join(map(str, function.__annotations__.values()))))
    found = {word: getattr(models, word) for word in words & set(models.__all__)}
    return {**found, "SyncEvent": SyncEvent} if "SyncEvent" in words else found


_ARG_LINE = re.compile(r"^\s{4}(\w+): (.*)$")
_CODE = re.compile(r"``(.+?)``")
_ROLE = re.compile(r":(?:class|meth|func|attr|exc|mod|data):`~?([\w.]+)`")


def plain(text: str) -> str:
    """A docstring's markup as terminal text: ````code```` and :class:`Name` lose their
    markup (``immich.models.AlbumResponseDto`` becomes ``AlbumResponseDto``)."""
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    return _CODE.sub(r"\1", text)


def _argument_docs(doc: str) -> dict[str, str]:
    """``name: description`` entries of the docstring's Args section (wrapped lines
    joined), as plain text."""
    _, _, rest = doc.partition("\nArgs:\n")
    found: dict[str, str] = {}
    name = None
    for line in rest.splitlines():
        if not line.strip():
            break
        match = _ARG_LINE.match(line)
        if match:
            name = match.group(1)
            found[name] = match.group(2)
        elif name is not None:
            found[name] += " " + line.strip()
    return {name: plain(text) for name, text in found.items()}


def _sections_after_args(doc: str) -> list[str]:
    """The paragraphs after the Args section (the endpoint, its history and permission),
    as plain text; the Raises section is for Python callers and is left out."""
    _, _, rest = doc.partition("\nArgs:\n")
    paragraphs = rest.split("\n\n")[1:]
    return [plain(" ".join(p.split())) for p in paragraphs if not p.startswith("Raises:")]


def find_group(text: str) -> str:
    wanted = _key(text)
    for group in group_names():
        if _key(group) == wanted:
            return group
    raise UsageError(f"no API group {text!r}; `immich api --list` lists them")


def find_method(group: str, text: str) -> Method:
    methods = methods_of(group)
    wanted = _key(text)
    for name, method in methods.items():
        if _key(name) == wanted:
            return method
    raise UsageError(
        f"the {group} group has no method {text!r}; `immich api {group} --list` lists them"
    )


# ---- parsing the command line ------------------------------------------------------------


@dataclass
class Parsed:
    group: str | None = None
    method: Method | None = None
    url: str | None = None
    api_key: str | None = None
    output: str | None = None
    flags: set[str] = field(default_factory=set)
    positional: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)


def parse(tokens: list[str]) -> Parsed:
    parsed = Parsed()
    stream = iter(tokens)
    for token in stream:
        if token == "--":
            parsed.positional.extend(stream)
            break
        if not token.startswith("-") or token == "-" or _is_number(token):
            _positional(parsed, token)
            continue
        name, equals, value = token.lstrip("-").partition("=")
        has_value = bool(equals)
        name = _SHORT.get(token.split("=", 1)[0], name).replace("-", "_")
        own = parsed.method.parameters if parsed.method else {}
        negated = name.startswith("no_") and name[3:] in own and own[name[3:]].kind.is_flag
        if name in own or negated:
            _method_option(parsed, own, name, has_value, value, stream, negated=negated)
        elif name in _GLOBAL_FLAGS and not has_value:
            parsed.flags.add(name)
        elif name in _GLOBAL_VALUE_OPTIONS:
            setattr(parsed, name, value if has_value else _next_value(stream, token))
        elif parsed.method is None:
            raise UsageError(f"unknown option {token}; name the group and method first")
        else:
            raise UsageError(
                f"{parsed.method.group} {parsed.method.name} has no option {token}; see "
                f"`immich api {parsed.method.group} {parsed.method.name} --help`"
            )
    return parsed


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _positional(parsed: Parsed, token: str) -> None:
    if parsed.group is None:
        parsed.group = find_group(token)
    elif parsed.method is None:
        parsed.method = find_method(parsed.group, token)
    else:
        parsed.positional.append(token)


def _next_value(stream: Iterator[str], token: str) -> str:
    value = next(stream, None)
    if value is None:
        raise UsageError(f"{token} needs a value")
    return value


def _method_option(
    parsed: Parsed,
    own: dict[str, Parameter],
    name: str,
    has_value: bool,
    value: str,
    stream: Iterator[str],
    *,
    negated: bool,
) -> None:
    if negated:
        parsed.values.setdefault(name[3:], []).append("false")
        return
    parameter = own[name]
    if not has_value:
        # A bare flag is true; "--flag false" is written "--flag=false" or "--no-flag".
        value = "true" if parameter.kind.is_flag else _next_value(stream, parameter.option)
    parsed.values.setdefault(name, []).append(value)


def arguments(method: Method, parsed: Parsed) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for the call, converted to the method's types."""
    path = [p for p in method.parameters.values() if p.positional]
    if len(parsed.positional) > len(path):
        raise UsageError(f"too many arguments: {' '.join(parsed.positional[len(path) :])}")
    given = dict(parsed.values)
    for parameter, value in zip(path, parsed.positional, strict=False):
        if parameter.name in given:
            raise UsageError(f"{parameter.name} given twice (as argument and as option)")
        given[parameter.name] = [value]
    converted: dict[str, Any] = {}
    for name, values in given.items():
        parameter = method.parameters[name]
        try:
            converted[name] = convert(values, parameter.kind)
        except ConversionError as exc:
            raise UsageError(f"{parameter.option}: {exc}") from None
    missing = [
        p.option for p in method.parameters.values() if p.required and p.name not in converted
    ]
    if missing:
        raise UsageError(
            f"missing {', '.join(missing)}; see `immich api {method.group} {method.name} --help`"
        )
    positional = [converted.pop(p.name) for p in path if p.name in converted]
    return positional, converted


# ---- the command -------------------------------------------------------------------------


def api(
    ctx: typer.Context,
    tokens: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ARGS",
            help="GROUP, METHOD, then the method's arguments and options.",
            show_default=False,
        ),
    ] = None,
) -> None:
    # The global options are among the tokens, and `run` needs them before the body runs;
    # a parse error is kept and raised inside `run`, which reports it (exit code 2).
    try:
        parsed: Parsed | UsageError = parse(tokens or [])
    except UsageError as exc:
        parsed = exc
    given = GlobalOptions()
    if isinstance(parsed, Parsed):
        given = GlobalOptions(
            url=parsed.url,
            api_key=parsed.api_key,
            json="json" in parsed.flags,
            debug="debug" in parsed.flags,
        )

    def body(session: Session) -> None:
        if isinstance(parsed, UsageError):
            raise parsed
        _run(session, parsed)

    run(root_options(ctx).merged(given), body)


def _run(session: Session, parsed: Parsed) -> None:
    out = session.out
    if parsed.group is None:
        _list_groups(session)
        return
    method = parsed.method
    if method is None:
        _list_methods(session, parsed.group)
        return
    if "help" in parsed.flags or "list" in parsed.flags:
        _method_help(session, method)
        return
    positional, keywords = arguments(method, parsed)
    group = getattr(session.client, method.group)
    if method.binary:
        if not parsed.output:
            raise UsageError(
                f"{method.name} returns a file: pass --output FILE (or --output - for stdout)"
            )
        _download(session, group, method, positional, keywords, parsed.output)
        return
    if parsed.output:
        raise UsageError(f"{method.name} returns JSON, not a file; leave out --output")
    answer = session.client.with_response(getattr(group, method.name), *positional, **keywords)
    if answer.parsed is None and not session.json:
        out.note("Done (no content).")
        return
    # The answer as the server sent it (its timestamps, its members): the call checked
    # that it decodes; JSON output hands it on untouched.
    out.json(
        "api",
        {
            "group": method.group,
            "method": method.name,
            "status": answer.status_code,
            "result": answer.http.json() if answer.http.content else None,
        },
    )


def _download(
    session: Session,
    group: Any,
    method: Method,
    positional: list[Any],
    keywords: dict[str, Any],
    output: str,
) -> None:
    if output == "-":
        with getattr(group, f"{method.name}_stream")(*positional, **keywords) as body:
            stream = sys.stdout.buffer
            for chunk in body.iter_bytes():
                stream.write(chunk)
            stream.flush()
        return
    path = getattr(group, f"{method.name}_to_file")(*positional, output, **keywords)
    size = path.stat().st_size
    if session.json:
        session.out.json(
            "api-file",
            {"group": method.group, "method": method.name, "path": str(path), "bytes": size},
        )
    else:
        session.out.text(f"Wrote {size} bytes to {path}")


def _list_groups(session: Session) -> None:
    from immich._async.api import AsyncAPIGroups

    rows = []
    for group in group_names():
        doc = inspect.getdoc(getattr(AsyncAPIGroups, group)) or ""
        rows.append((group, len(methods_of(group)), doc.split("\n", 1)[0]))
    if session.json:
        session.out.json(
            "api-groups",
            {"groups": [{"group": g, "methods": n, "summary": s} for g, n, s in rows]},
        )
        return
    session.out.table(["Group", "Methods", "About"], rows, right=["Methods"])
    session.out.note("immich api GROUP --list shows a group's methods.")


def _list_methods(session: Session, group: str) -> None:
    methods = methods_of(group)
    if session.json:
        session.out.json(
            "api-methods",
            {
                "group": group,
                "methods": [
                    {"method": m.name, "summary": m.summary, "file": m.binary}
                    for m in methods.values()
                ],
            },
        )
        return
    session.out.table(
        ["Method", "Summary"],
        ((name + (" (file)" if m.binary else ""), m.summary) for name, m in methods.items()),
        title=f"immich api {group} METHOD",
    )
    session.out.note(f"immich api {group} METHOD --help shows a method's parameters.")


def _usage(method: Method) -> str:
    parts = [f"immich api {method.group} {method.name}"]
    for p in method.parameters.values():
        if p.name == "timeout":
            continue
        shown = p.name.upper() if p.positional else f"{p.option} {p.kind.metavar()}".rstrip()
        parts.append(shown if p.required else f"[{shown}]")
    if method.binary:
        parts.append("--output FILE")
    return " ".join(parts)


def _method_help(session: Session, method: Method) -> None:
    if session.json:
        session.out.json(
            "api-method",
            {
                "group": method.group,
                "method": method.name,
                "summary": method.summary,
                "file": method.binary,
                "parameters": [
                    {
                        "name": p.name,
                        "option": p.option,
                        "positional": p.positional,
                        "required": p.required,
                        "type": p.kind.metavar() or "flag",
                        "repeatable": p.kind.is_list,
                        "help": p.help,
                    }
                    for p in method.parameters.values()
                ],
            },
        )
        return
    doc = method.doc
    description = doc.partition("\nArgs:\n")[0]
    out = session.out
    out.text(f"Usage: {_usage(method)}\n")
    out.text(plain(description.strip()) + "\n")
    out.table(
        ["Parameter", "Type", "Required", "About"],
        (
            (
                p.name.upper() if p.positional else p.option,
                (p.kind.metavar() or "flag") + (" (repeatable)" if p.kind.is_list else ""),
                p.required,
                p.help,
            )
            for p in method.parameters.values()
        ),
    )
    for paragraph in _sections_after_args(doc):
        out.text(paragraph)
