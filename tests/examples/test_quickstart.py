"""The README's first command runs examples/quickstart.py; it must work on a fresh machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_runs_against_the_built_in_fake() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "IMMICH_URL is not set: using the built-in fake server" in out
    assert "Server version: 3.0.3" in out
    assert out.count(": created (") == 3
    assert "  - Quick start (3 assets)" in out
    assert "Assets taken in the last 7 days: 3" in out
