"""Build the wheel and check that it carries the package exactly as generated.

The hatchling hook regenerates ``immich/_sync`` from ``_async`` during the build; this
confirms the result matches the committed tree and that ``py.typed`` ships.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, str(ROOT)],
            check=True,
        )
        (wheel,) = Path(out).glob("immich_sdk-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            problems = [
                f"{path}: differs from the committed file"
                for path in sorted(names)
                if path.startswith("immich/_sync/")
                and archive.read(path) != (SOURCE / path).read_bytes()
            ]
    committed = {str(p.relative_to(SOURCE)) for p in (SOURCE / "immich" / "_sync").rglob("*.py")}
    problems += [f"{p}: missing from the wheel" for p in sorted(committed - names)]
    if "immich/py.typed" not in names:
        problems.append("immich/py.typed: missing from the wheel")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{wheel.name}: {len(committed)} sync modules as committed, py.typed present")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
