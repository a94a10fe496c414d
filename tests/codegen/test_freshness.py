"""The committed generated code is what the generator makes now; sync mirrors async."""

from __future__ import annotations

import io
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from codegen.unasync_rules import TREES

ROOT = Path(__file__).resolve().parents[2]


def test_generated_code_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "up to date" in result.stdout


@pytest.mark.parametrize(("source", "target"), TREES, ids=[t for t, _ in TREES])
def test_sync_tree_mirrors_the_async_tree(source: str, target: str) -> None:
    async_files = {p.relative_to(ROOT / source) for p in (ROOT / source).rglob("*.py")}
    sync_files = {p.relative_to(ROOT / target) for p in (ROOT / target).rglob("*.py")}
    assert async_files, source
    assert sync_files == async_files


@pytest.mark.parametrize(("source", "target"), TREES, ids=[t for t, _ in TREES])
def test_sync_tree_has_no_async_code(source: str, target: str) -> None:
    offenders = []
    for path in sorted((ROOT / target).rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        names = {t.string for t in tokens if t.type == tokenize.NAME}
        found = names & {"async", "await", "AsyncClient", "aclose", "aiter_bytes", "aread"}
        found |= {n for n in names if n.startswith("Async") and n != "AsyncByteStream"}
        if found:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(found)}")
    assert offenders == []


def test_sync_client_module_exists_and_is_generated() -> None:
    text = (ROOT / "src/immich/_sync/_client.py").read_text(encoding="utf-8")
    assert "class Client(" in text
    assert "def close(self)" in text
    assert "def __enter__(self)" in text
