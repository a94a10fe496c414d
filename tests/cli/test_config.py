"""``immich login``/``logout``, the config file, and where settings come from."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from immich.cli import _config_file
from immich.cli._settings import resolve
from immich.testing import FakeImmich
from tests.cli.conftest import Invoke


def test_login_checks_the_key_and_writes_a_private_file(
    invoke: Invoke, url: str, fake: FakeImmich, isolated: Path
) -> None:
    result = invoke("login", url, input=fake.api_key + "\n")
    assert result.exit_code == 0, result
    assert "Logged in" in result.stdout
    assert "admin@example.com" in result.stdout
    path = isolated / "config.json"
    assert json.loads(path.read_text()) == {"url": url, "api_key": fake.api_key}
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(isolated.stat().st_mode) == 0o700
    # No temporary file is left behind by the atomic write.
    assert sorted(p.name for p in isolated.iterdir()) == ["config.json"]


def test_later_commands_use_the_saved_login(invoke: Invoke, url: str, fake: FakeImmich) -> None:
    invoke("login", url, input=fake.api_key + "\n")
    result = invoke("whoami", "--json")
    assert result.exit_code == 0, result
    data = result.json()
    assert data["user"]["email"] == "admin@example.com"
    assert data["server"] == url
    assert "saved login" in data["urlSource"]
    assert "saved login" in data["apiKeySource"]


def test_login_takes_the_key_from_the_option(invoke: Invoke, url: str, fake: FakeImmich) -> None:
    result = invoke("login", url, "--api-key", fake.api_key, "--json")
    assert result.exit_code == 0, result
    data = result.json()
    assert data["user"]["email"] == "admin@example.com"
    assert fake.api_key not in result.stdout


def test_login_reads_the_key_from_stdin_with_a_dash(
    invoke: Invoke, url: str, fake: FakeImmich, isolated: Path
) -> None:
    result = invoke("login", url, "--api-key", "-", input=fake.api_key + "\n")
    assert result.exit_code == 0, result
    assert (isolated / "config.json").exists()


def test_login_prompts_without_echo_at_a_terminal(
    invoke: Invoke, url: str, fake: FakeImmich, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, bool]] = []

    def prompt(text: str, hide_input: bool = False, **_: object) -> str:
        asked.append((text, hide_input))
        return fake.api_key

    monkeypatch.setattr("immich.cli.commands.auth._stdin_is_terminal", lambda: True)
    monkeypatch.setattr("typer.prompt", prompt)
    result = invoke("login", url)
    assert result.exit_code == 0, result
    assert asked == [("API key", True)]


def test_login_with_a_wrong_key_saves_nothing(
    invoke: Invoke, url: str, isolated: Path, secrets: list[str]
) -> None:
    secrets.append("not-a-real-key")
    result = invoke("login", url, input="not-a-real-key\n")
    assert result.exit_code == 1
    assert "API key" in result.stderr
    assert "rejected" in result.stderr
    assert not (isolated / "config.json").exists()


def test_login_needs_a_url(invoke: Invoke) -> None:
    result = invoke("login", input="key\n")
    assert result.exit_code == 2
    assert "immich login URL" in result.stderr


def test_login_replaces_an_earlier_login(
    invoke: Invoke, url: str, fake: FakeImmich, user_key: str, isolated: Path
) -> None:
    invoke("login", url, input=fake.api_key + "\n")
    invoke("login", url, input=user_key + "\n")
    assert json.loads((isolated / "config.json").read_text())["api_key"] == user_key
    assert invoke("whoami", "--json").json()["user"]["email"] == "user@example.com"


def test_logout_removes_the_file(
    invoke: Invoke, url: str, fake: FakeImmich, isolated: Path
) -> None:
    invoke("login", url, input=fake.api_key + "\n")
    result = invoke("logout")
    assert result.exit_code == 0
    assert not (isolated / "config.json").exists()
    again = invoke("logout", "--json")
    assert again.exit_code == 0
    assert again.json()["removed"] is False
    missing = invoke("whoami")
    assert missing.exit_code == 2
    assert "--url" in missing.stderr
    assert "IMMICH_URL" in missing.stderr
    assert "immich login" in missing.stderr


# ---- precedence: flag > environment > file ----------------------------------------------


@pytest.fixture
def two_servers(fake: FakeImmich, url: str, secrets: list[str]):  # type: ignore[no-untyped-def]
    """A second fake with its own admin, so each answer tells which server and key won."""
    other = FakeImmich(admin_email="other@example.com")
    secrets.append(other.api_key)
    with other.serve() as other_url:
        yield other, other_url


def test_the_flag_beats_the_environment_and_the_file(
    invoke: Invoke,
    url: str,
    fake: FakeImmich,
    two_servers: tuple[FakeImmich, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other, other_url = two_servers
    invoke("login", other_url, input=other.api_key + "\n")
    monkeypatch.setenv("IMMICH_URL", other_url)
    monkeypatch.setenv("IMMICH_API_KEY", other.api_key)
    result = invoke("whoami", "--json", "--url", url, "--api-key", fake.api_key)
    assert result.json()["user"]["email"] == "admin@example.com"
    assert result.json()["urlSource"] == "--url"


def test_the_environment_beats_the_file(
    invoke: Invoke,
    url: str,
    fake: FakeImmich,
    two_servers: tuple[FakeImmich, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other, other_url = two_servers
    invoke("login", other_url, input=other.api_key + "\n")
    monkeypatch.setenv("IMMICH_URL", url)
    monkeypatch.setenv("IMMICH_API_KEY", fake.api_key)
    data = invoke("whoami", "--json").json()
    assert data["user"]["email"] == "admin@example.com"
    assert (data["urlSource"], data["apiKeySource"]) == ("IMMICH_URL", "IMMICH_API_KEY")


def test_the_official_cli_variable_is_understood(
    invoke: Invoke, url: str, fake: FakeImmich, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMICH_INSTANCE_URL", url)
    monkeypatch.setenv("IMMICH_API_KEY", fake.api_key)
    data = invoke("whoami", "--json").json()
    assert data["urlSource"] == "IMMICH_INSTANCE_URL"


def test_global_options_work_before_the_command(invoke: Invoke, url: str, fake: FakeImmich) -> None:
    result = invoke("--url", url, "--api-key", fake.api_key, "--json", "whoami")
    assert result.exit_code == 0, result
    assert result.json()["user"]["email"] == "admin@example.com"


def test_a_flag_key_with_the_saved_url(
    invoke: Invoke, url: str, fake: FakeImmich, user_key: str
) -> None:
    invoke("login", url, input=fake.api_key + "\n")
    data = invoke("whoami", "--json", "--api-key", user_key).json()
    assert data["user"]["email"] == "user@example.com"
    assert "saved login" in data["urlSource"]
    assert data["apiKeySource"] == "--api-key"


def test_the_saved_key_is_never_sent_to_another_server(
    invoke: Invoke, url: str, fake: FakeImmich, two_servers: tuple[FakeImmich, str]
) -> None:
    _, other_url = two_servers
    invoke("login", url, input=fake.api_key + "\n")
    result = invoke("whoami", "--url", other_url)
    assert result.exit_code == 1
    assert "none was given" in result.stderr
    assert "not sent to another server" in result.stderr


def test_the_saved_key_goes_to_the_same_server_spelled_differently(
    invoke: Invoke, url: str, fake: FakeImmich
) -> None:
    invoke("login", url, input=fake.api_key + "\n")
    result = invoke("whoami", "--json", "--url", url + "/api/")
    assert result.exit_code == 0, result


def test_resolve_without_anything() -> None:
    settings = resolve(None, None)
    assert (settings.url, settings.api_key) == (None, None)
    assert "api_key" not in repr(settings) or "None" in repr(settings)


def test_settings_never_show_the_key_in_their_repr() -> None:
    settings = resolve("http://localhost:2283", "very-secret-key")
    assert "very-secret-key" not in repr(settings)
    stored = _config_file.StoredLogin("http://x", "very-secret-key", Path("x"))
    assert "very-secret-key" not in repr(stored)


# ---- the file itself ----------------------------------------------------------------------


def test_a_broken_config_file_is_reported(invoke: Invoke, isolated: Path) -> None:
    isolated.mkdir()
    (isolated / "config.json").write_text("{not json")
    result = invoke("whoami")
    assert result.exit_code == 2
    assert "config.json" in result.stderr
    assert "immich login" in result.stderr


def test_a_config_file_without_a_key_is_reported(invoke: Invoke, isolated: Path) -> None:
    isolated.mkdir()
    (isolated / "config.json").write_text('{"url": "http://localhost:2283"}')
    result = invoke("whoami")
    assert result.exit_code == 2
    assert "lacks" in result.stderr


def test_the_config_folder_without_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMMICH_CONFIG_DIR")
    monkeypatch.setitem(sys.modules, "platformdirs", None)
    assert _config_file.config_dir() == Path.home() / ".config" / "immich"


def test_the_config_folder_from_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    platformdirs = pytest.importorskip("platformdirs")
    monkeypatch.delenv("IMMICH_CONFIG_DIR")
    expected = Path(platformdirs.user_config_dir("immich", appauthor=False))
    assert _config_file.config_dir() == expected


def test_a_failed_write_keeps_the_old_file(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config_file.save("http://one", "key-one")

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        _config_file.save("http://two", "key-two")
    stored = _config_file.load()
    assert stored is not None
    assert stored.url == "http://one"
    assert sorted(p.name for p in isolated.iterdir()) == ["config.json"]
