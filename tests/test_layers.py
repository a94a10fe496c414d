"""The package's layers, kept: what each folder may import of the others.

- ``_http`` (bytes on the wire) knows nothing of the SDK: no ``_core``, no models.
- ``_core`` (the data path both clients share) sends nothing: no ``_http``, no client.
- ``_transfer`` (bulk building blocks) has no client and no HTTP.
- ``models`` are data: only ``_core``'s model base and types.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "immich"

# layer -> the parts of the package it must not import (``immich.<part>``)
FORBIDDEN = {
    "_http": ("_core", "_transfer", "_async", "_sync", "models", "cli", "testing"),
    "_core": ("_http", "_transfer", "_async", "_sync", "cli", "testing"),
    "_transfer": ("_http", "_async", "_sync", "cli", "testing"),
    "models": ("_http", "_transfer", "_async", "_sync", "cli", "testing", "_config"),
}


def imported_modules(path: Path) -> set[str]:
    """Every ``immich...`` module a file imports, at any depth (TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "immich" or name.startswith("immich.")}


def part_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_lies_below_it(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, layer
    breaches = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if part_of(module) in FORBIDDEN[layer]
    ]
    assert not breaches, "\n".join(breaches)


def test_the_layers_are_folders_and_few_modules_lie_flat() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == [
        "__init__.py",
        "_config.py",
        "_errors.py",
        "_logging.py",
        "_version.py",
        "versions.py",
    ]
    for folder in ("_core", "_http", "_transfer", "_async", "_sync", "models"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder


def test_the_check_sees_a_breach(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from immich._core.model import Model\n"
        "def f():\n"
        "    import immich._async._client\n",
        encoding="utf-8",
    )
    assert imported_modules(sample) >= {"immich._core.model", "immich._async._client"}
    assert part_of("immich._core.model") == "_core"
