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
