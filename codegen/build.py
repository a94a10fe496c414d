"""Staging and formatting shared by ``python -m codegen`` and the wheel build hook."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from codegen.unasync_rules import TREES, unasync_tree

PACKAGE = Path("src/immich")


def stage_sources(root: Path, staging: Path, include_tests: bool = True) -> None:
    """Copy the hand-written inputs (the async trees) and pyproject (ruff's settings)."""
    shutil.copy(root / "pyproject.toml", staging / "pyproject.toml")
    for source, _ in _trees(include_tests):
        if (root / source).is_dir():
            shutil.copytree(root / source, staging / source, ignore=_ignore_caches)


def mirror_and_format(staging: Path, include_tests: bool = True) -> list[Path]:
    """Run unasync over the staged async trees, then ruff over everything staged."""
    for _, target in _trees(include_tests):
        shutil.rmtree(staging / target, ignore_errors=True)
    written = unasync_tree(staging, _trees(include_tests))
    targets = [str(staging / p) for p in (PACKAGE, Path("tests")) if (staging / p).exists()]
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(staging / "pyproject.toml")]
    fix = ["check", "--quiet", "--fix", "--select", "I,F401", "--exit-zero"]
    subprocess.run([*ruff, *fix, *config, *targets], check=True)
    subprocess.run([*ruff, "format", "--quiet", *config, *targets], check=True)
    return written


def build_sync_tree(root: Path, staging: Path, include_tests: bool = True) -> list[Path]:
    stage_sources(root, staging, include_tests)
    return mirror_and_format(staging, include_tests)


def _trees(include_tests: bool) -> tuple[tuple[str, str], ...]:
    return TREES if include_tests else TREES[:1]


def _ignore_caches(_: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]
