"""docs/cli.md carries the reference that scripts/gen_cli_docs.py renders from the app."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_cli_docs.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_is_fresh() -> None:
    assert _generator().main(["--check"]) == 0, "run: python scripts/gen_cli_docs.py"


def test_every_command_is_documented() -> None:
    text = (SCRIPT.parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("login", "logout", "whoami", "upload", "download", "api", "server info"):
        assert f"### `immich {command}`" in text
    for command in ("list", "create", "scan"):
        assert f"### `immich library {command}`" in text


def test_every_json_schema_is_documented() -> None:
    """The JSON convention's table names every kind of document the commands print."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "".join(p.read_text("utf-8") for p in (root / "src/immich/cli").rglob("*.py"))
    schemas = set(re.findall(r'\.json(?:_line)?\(\s*"([a-z-]+)"', code)) | {"error"}
    assert len(schemas) > 10
    documented = (root / "docs" / "cli.md").read_text("utf-8")
    missing = sorted(s for s in schemas if f"`immich.{s}`" not in documented)
    assert not missing, missing
