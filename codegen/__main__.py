"""``python -m codegen --spec PATH_OR_URL [--older-spec PATH_OR_URL ...] [--check]``

Generates the models, the operations table and the async API groups from the Immich
OpenAPI spec, and from the older releases' specs the version table (what differs between
releases, see ``codegen/versions.py``), then mirrors ``_async`` into ``_sync`` with
unasync and formats the result with ruff. ``--check`` writes nothing and fails when the
committed files differ.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from codegen import corrections, render, spec, versions
from codegen.build import PACKAGE, mirror_and_format, stage_sources
from codegen.unasync_rules import TREES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "openapi" / "immich-openapi-specs.json"
#: The last 2.x release: the older servers this SDK serves besides the newest spec's.
DEFAULT_OLDER_SPECS = [ROOT.parent / "shared" / "openapi" / "immich-openapi-specs-2.7.5.json"]
# Wholly generated folders: files in them that the generator no longer writes are removed.
GENERATED_DIRS = (PACKAGE / "models", PACKAGE / "_async" / "api")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="spec file path or URL")
    parser.add_argument(
        "--older-spec",
        action="append",
        help="the spec of an older release to serve too (repeatable; default: 2.7.5's)",
    )
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    parser.add_argument("--unasync-only", action="store_true", help="only mirror _async into _sync")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        stage_sources(ROOT, staging)
        if not args.unasync_only:
            newest = corrections.apply(spec.load(args.spec))
            older = [
                corrections.apply(spec.load(str(o)))
                for o in (args.older_spec or DEFAULT_OLDER_SPECS)
            ]
            api = spec.build(newest, versions.compare(newest, older))
            for relative, text in render.render(api).items():
                path = staging / PACKAGE / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        mirror_and_format(staging)
        outputs = _generated_files(staging, include_codegen=not args.unasync_only)
        if args.check:
            return _compare(staging, outputs)
        _install(staging, outputs, include_codegen=not args.unasync_only)
    return 0


def _generated_files(staging: Path, include_codegen: bool) -> list[Path]:
    """Paths (relative to the repo) of everything the generator owns."""
    roots = [Path(target) for _, target in TREES]
    if include_codegen:
        roots += [*GENERATED_DIRS]
    found = [p.relative_to(staging) for r in roots for p in (staging / r).rglob("*.py")]
    if include_codegen:
        found += [PACKAGE / "_core" / "operations.py", PACKAGE / "_core" / "version_table.py"]
    return sorted(set(found))


def _owned_in_repo(include_codegen: bool) -> set[Path]:
    roots = [Path(target) for _, target in TREES]
    if include_codegen:
        roots += [*GENERATED_DIRS]
    return {p.relative_to(ROOT) for r in roots for p in (ROOT / r).rglob("*.py")}


def _compare(staging: Path, outputs: list[Path]) -> int:
    stale = []
    for relative in outputs:
        new = (staging / relative).read_text(encoding="utf-8")
        old_path = ROOT / relative
        old = old_path.read_text(encoding="utf-8") if old_path.exists() else ""
        if new != old:
            stale.append(relative)
            diff = difflib.unified_diff(
                old.splitlines(), new.splitlines(), str(relative), str(relative), lineterm="", n=1
            )
            print("\n".join(list(diff)[:40]))
    extra = sorted(_owned_in_repo(include_codegen=True) - set(outputs))
    for relative in extra:
        print(f"{relative}: no longer generated")
    if stale or extra:
        print(
            f"\n{len(stale) + len(extra)} generated file(s) are stale: run `python -m codegen`",
            file=sys.stderr,
        )
        return 1
    print(f"{len(outputs)} generated files are up to date")
    return 0


def _install(staging: Path, outputs: list[Path], include_codegen: bool) -> None:
    for relative in _owned_in_repo(include_codegen) - set(outputs):
        (ROOT / relative).unlink()
    changed = 0
    for relative in outputs:
        new = (staging / relative).read_text(encoding="utf-8")
        target = ROOT / relative
        if not target.exists() or target.read_text(encoding="utf-8") != new:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(new, encoding="utf-8")
            changed += 1
    print(f"{len(outputs)} generated files, {changed} changed")


if __name__ == "__main__":
    sys.exit(main())
