"""MkDocs hook: generates the API reference pages while the site builds.

Nothing is written to disk. For every API group (``immich._sync.api.*`` with its
``immich._async.api.*`` twin) and every model of ``immich.models`` it adds a page with a
mkdocstrings directive, plus an index of the models. The group pages go into the
navigation in place of the ``reference/api/`` entry of ``mkdocs.yml``; the model pages
are reached from ``reference/models/index.md`` and from the signatures that use them.

It also writes the table of groups into ``reference/index.md`` in place of
:data:`GROUPS_MARKER`. Enabled by ``hooks: [scripts/docs_hooks.py]`` in ``mkdocs.yml``.
"""

from __future__ import annotations

import ast
import functools
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "immich"
API_PLACEHOLDER = "reference/api/"
GROUPS_MARKER = "<!-- API GROUPS: the table is written by scripts/docs_hooks.py -->"


def _first_line(docstring: str | None) -> str:
    text = (docstring or "").strip().splitlines()
    return text[0].strip() if text else ""


def _classes(path: Path) -> list[tuple[str, str, bool]]:
    """``(name, summary, is_enum)`` of the public classes of a generated module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = {ast.unparse(base) for base in node.bases}
            is_enum = any("Enum" in base for base in bases)
            found.append((node.name, _first_line(ast.get_docstring(node)), is_enum))
    return found


def _callable_classes() -> set[str]:
    """The mixins of ``immich._sync._helpers`` that make a group callable (``__call__``)."""
    tree = ast.parse((SRC / "_sync" / "_helpers.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(isinstance(f, ast.FunctionDef) and f.name == "__call__" for f in node.body)
    }


def _is_callable_group(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    callable_mixins = _callable_classes()
    return any(
        isinstance(node, ast.ClassDef) and {ast.unparse(b) for b in node.bases} & callable_mixins
        for node in tree.body
    )


def groups() -> list[dict[str, str]]:
    """The API groups in the client's attribute order."""
    init = (SRC / "_sync" / "api" / "__init__.py").read_text(encoding="utf-8")
    names = re.search(r"GROUPS = \((.*?)\)", init, re.S)
    assert names is not None, "GROUPS not found in immich._sync.api"
    result = []
    for name in re.findall(r'"(\w+)"', names.group(1)):
        sync_name, summary, _ = _classes(SRC / "_sync" / "api" / f"{name}.py")[0]
        async_name = _classes(SRC / "_async" / "api" / f"{name}.py")[0][0]
        callable_ = "yes" if _is_callable_group(SRC / "_sync" / "api" / f"{name}.py") else ""
        result.append(
            {
                "attr": name,
                "sync": sync_name,
                "async": async_name,
                "summary": summary,
                "callable": callable_,
            }
        )
    return result


def models() -> list[tuple[str, str, str, bool]]:
    """``(module, class, summary, is_enum)`` for every model, sorted by class name."""
    found = []
    for path in sorted((SRC / "models").glob("*.py")):
        if path.name == "__init__.py":
            continue
        for name, summary, is_enum in _classes(path):
            found.append((path.stem, name, summary, is_enum))
    return sorted(found, key=lambda item: item[1].lower())


def _group_page(group: dict[str, str]) -> str:
    attr = group["attr"]
    # A callable group (``client.download(...)``) shows its ``__call__`` too.
    filters = (
        '\n      filters: ["!^_", "^__call__$"]\n      inherited_members: ["__call__"]'
        if group["callable"]
        else ""
    )
    return f"""# `client.{attr}`

{group["summary"]}

Every method below exists on both clients: `client.{attr}.METHOD(...)` on
[`Client`][immich._sync._client.Client], and `await client.{attr}.METHOD(...)` on
[`AsyncClient`][immich._async._client.AsyncClient]. Path parameters are positional,
everything else is keyword-only; every method also takes `timeout=`.

::: immich._sync.api.{attr}.{group["sync"]}
    options:
      heading: "{group["sync"]} (client.{attr} on Client)"
      toc_label: "{group["sync"]}"{filters}

## On `AsyncClient`

::: immich._async.api.{attr}.{group["async"]}
    options:
      heading_level: 3
      members: false
      show_docstring_description: false
      show_bases: false

The same methods as [`{group["sync"]}`][immich._sync.api.{attr}.{group["sync"]}], each a
coroutine: `await client.{attr}.METHOD(...)`; the streaming twins
(`..._stream`) are async context managers and iterate with `async for`.
"""


def _model_page(module: str, name: str, is_enum: bool) -> str:
    kind = "An enum" if is_enum else "A model"
    return f"""::: immich.models.{module}.{name}
    options:
      heading_level: 1
      show_symbol_type_heading: false

{kind} of the Immich API: `from immich.models import {name}`. [All models](index.md).
"""


def _models_index(found: list[tuple[str, str, str, bool]]) -> str:
    lines = [
        "# Models",
        "",
        f"The {len(found)} classes of `immich.models`: attrs models (requests and responses)",
        "and `str` enums, generated from the Immich OpenAPI spec. Import them by name, such",
        "as `from immich.models import AssetResponseDto`; each is loaded on first use.",
        "See [Models, UNSET and None](../../concepts/models.md) for how they behave.",
        "",
        "| Class | Kind | Description |",
        "|---|---|---|",
    ]
    for module, name, summary, is_enum in found:
        description = summary.replace("|", "\\|")
        kind = "enum" if is_enum else "model"
        lines.append(f"| [`{name}`]({name}.md) | {kind} | {description} |")
        del module
    return "\n".join(lines) + "\n"


def on_config(config: Any) -> Any:
    """Put the group pages in the navigation where ``reference/api/`` stands."""
    entries = [{f"client.{g['attr']}": f"reference/api/{g['attr']}.md"} for g in groups()]

    def replace(nav: Any) -> Any:
        if isinstance(nav, list):
            result = []
            for item in nav:
                if item == API_PLACEHOLDER:
                    result.extend(entries)
                else:
                    result.append(replace(item))
            return result
        if isinstance(nav, dict):
            return {key: replace(value) for key, value in nav.items()}
        return nav

    config["nav"] = replace(config["nav"])
    return config


def on_files(files: Files, config: Any) -> Files:
    for group in groups():
        path = f"reference/api/{group['attr']}.md"
        files.append(File.generated(config, path, content=_group_page(group)))
    found = models()
    files.append(File.generated(config, "reference/models/index.md", content=_models_index(found)))
    for module, name, _summary, is_enum in found:
        page = _model_page(module, name, is_enum)
        files.append(File.generated(config, f"reference/models/{name}.md", content=page))
    return files


def _groups_table() -> str:
    rows = ["| attribute | class | what it is about |", "|---|---|---|"]
    for g in groups():
        rows.append(
            f"| [`client.{g['attr']}`](api/{g['attr']}.md) | `{g['sync']}` / `{g['async']}` "
            f"| {g['summary']} |"
        )
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == "reference/index.md":
        assert GROUPS_MARKER in markdown, "reference/index.md lost its groups marker"
        return markdown.replace(GROUPS_MARKER, _groups_table())
    return markdown


# The docstrings use Sphinx roles (:class:`Name`), which Markdown renders as
# ":class:<code>Name</code>". Drop the role, and link a model's name to its page.
_ROLE = re.compile(r":(?:class|meth|func|data|mod|attr|exc|obj):<code>~?([\w.]+)</code>")


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    names = _model_names()
    here = "/" + page.url

    def replace(match: re.Match[str]) -> str:
        target = match.group(1)
        short = target.rsplit(".", 1)[-1]
        if target in names:
            href = posixpath.relpath(f"/reference/models/{target}/", here)
            return f'<a href="{href}/"><code>{short}</code></a>'
        return f"<code>{short if match.group(0).count('~') else target}</code>"

    return _ROLE.sub(replace, html)


@functools.cache
def _model_names() -> frozenset[str]:
    return frozenset(name for _module, name, _summary, _enum in models())
