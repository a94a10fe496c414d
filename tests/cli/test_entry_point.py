"""The installed ``immich`` command, end to end in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from immich.testing import FakeImmich


def _run(
    *args: str, env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "immich.cli", *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def environment(isolated: Path) -> dict[str, str]:
    return dict(os.environ)


def test_login_then_whoami_in_separate_processes(
    url: str, fake: FakeImmich, environment: dict[str, str], isolated: Path
) -> None:
    login = _run("login", url, env=environment, input=fake.api_key + "\n")
    assert login.returncode == 0, login.stderr
    assert (isolated / "config.json").exists()
    whoami = _run("whoami", "--json", env=environment)
    assert whoami.returncode == 0, whoami.stderr
    assert json.loads(whoami.stdout)["user"]["email"] == "admin@example.com"
    for text in (login.stdout, login.stderr, whoami.stdout, whoami.stderr):
        assert fake.api_key not in text


def test_exit_codes(url: str, environment: dict[str, str]) -> None:
    assert _run("--version", env=environment).returncode == 0
    assert _run("whoami", env=environment).returncode == 2  # no URL anywhere
    assert _run("no-such-command", env=environment).returncode == 2
    wrong = _run("whoami", "--url", url, "--api-key", "nope", env=environment)
    assert wrong.returncode == 1
    assert "rejected" in wrong.stderr


def test_importing_the_package_is_cheap() -> None:
    # `import immich` itself brings httpx (its errors wrap httpx's); the CLI adds nothing.
    code = (
        "import sys, immich.cli; "
        "heavy = ['typer', 'rich', 'immich._sync._client', 'immich.cli._app']; "
        "print([m for m in heavy if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("immich") == "immich.cli:main"
