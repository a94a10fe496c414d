"""Fixtures for the ``immich`` command: a FakeImmich on loopback, an isolated config folder
and environment, and a runner that checks no secret ever reaches the output."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from immich.cli._app import app
from immich.testing import FakeImmich

_ENVIRONMENT = (
    "IMMICH_URL",
    "IMMICH_INSTANCE_URL",
    "IMMICH_API_KEY",
    "IMMICH_ACCESS_TOKEN",
    "IMMICH_LOG",
    "IMMICH_CONFIG_DIR",
)


def _runner() -> CliRunner:
    # Click 8.1's runner mixes stderr into stdout unless told otherwise; 8.2 and the
    # typer-vendored click always keep them apart and have no such argument.
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


class Run:
    """What one invocation printed, and how it ended."""

    def __init__(self, result: Any) -> None:
        self.exit_code: int = result.exit_code
        self.stdout: str = result.stdout
        self.stderr: str = result.stderr
        self.exception: BaseException | None = result.exception

    def __repr__(self) -> str:
        return f"Run(exit_code={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"

    def json(self) -> Any:
        """The command's one JSON document (its schema and version checked)."""
        import json

        document = json.loads(self.stdout)
        _check_document(document)
        return document

    def api_result(self) -> Any:
        """What an ``immich api`` call answered, as the server sent it."""
        document = self.json()
        assert document["schema"] == "immich.api", document
        return document["result"]

    def json_lines(self) -> list[Any]:
        """The documents of a JSON Lines output, one per line."""
        import json

        documents = [json.loads(line) for line in self.stdout.splitlines() if line.strip()]
        for document in documents:
            _check_document(document)
        return documents

    def json_error(self) -> Any:
        """The failure document on stderr (with --json)."""
        import json

        document = json.loads(self.stderr)
        _check_document(document)
        assert document["schema"] == "immich.error"
        return document["error"]


def _check_document(document: Any) -> None:
    """The CLI's JSON convention (docs/cli.md): an object naming its schema and version."""
    assert isinstance(document, dict), document
    assert document["schema"].startswith("immich."), document
    assert document["schemaVersion"] == 1, document


Invoke = Callable[..., Run]


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No settings from the machine running the tests; the config file goes to tmp."""
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("IMMICH_CONFIG_DIR", str(config))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    # Waits look again soon against the fake.
    monkeypatch.setattr("immich._transfer.waiting.FIRST_PAUSE", 0.001)
    return config


@pytest.fixture
def secrets() -> list[str]:
    """Strings that must never appear in any output (API keys, passwords)."""
    return []


@pytest.fixture
def fake(secrets: list[str]) -> FakeImmich:
    fake = FakeImmich()
    secrets.extend([fake.api_key, fake.admin_password])
    return fake


@pytest.fixture
def url(fake: FakeImmich) -> Iterator[str]:
    with fake.serve() as served:
        yield served


@pytest.fixture
def outputs() -> list[str]:
    return []


@pytest.fixture(autouse=True)
def no_secret_in_output(outputs: list[str], secrets: list[str]) -> Iterator[None]:
    yield
    for text in outputs:
        for secret in secrets:
            assert secret not in text, "a secret was printed"


@pytest.fixture
def invoke(outputs: list[str]) -> Invoke:
    """``invoke("whoami", "--json", input=...)``: runs the command in-process."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        result = Run(_runner().invoke(app, list(args), input=input, env=env, catch_exceptions=True))
        outputs.append(result.stdout + result.stderr)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


@pytest.fixture
def connect(url: str, fake: FakeImmich) -> list[str]:
    """The flags that point a command at the fake as its admin."""
    return ["--url", url, "--api-key", fake.api_key]


@pytest.fixture
def user_key(fake: FakeImmich, secrets: list[str]) -> str:
    """The API key of a second, non-admin user."""
    _, key = fake.create_user(email="user@example.com", name="User")
    secrets.append(key)
    return key


def make_jpeg(path: Path, shade: int = 0) -> Path:
    """A small, valid JPEG; ``shade`` makes its bytes (and so its checksum) differ."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (shade % 256, (shade * 7) % 256, 90)).save(buffer, "JPEG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """A folder of three JPEGs, one of them in a subfolder."""
    folder = tmp_path / "photos"
    make_jpeg(folder / "a.jpg", 1)
    make_jpeg(folder / "b.jpg", 2)
    make_jpeg(folder / "trip" / "c.jpg", 3)
    return folder
